#pragma once
// AVC denial records in the text forms they are found in: auditd's log
// ("type=AVC msg=audit(1421274762.358:1081): avc:  denied  { name_connect } for ..."), the
// kernel ring ("audit: type=1400 audit(...): avc:  denied ..."), and the journal
// ("audit[208351]: AVC avc:  denied ..." or a MESSAGE field "AVC avc:  denied ...").
// Parsers take text (tested on real lines from public reports); readers do the I/O.
#include <optional>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/selinux.hpp"

namespace dnd {

// One record on one line. nullopt when the line is no AVC denial (a granted record, another
// audit type) or is one that cannot be read (no contexts or class: cut short, garbled).
std::optional<AvcDenial> parse_avc_line(std::string_view line);

// The time of an audit record line, audit(SECONDS.MILLIS:SERIAL); nullopt when it has none.
std::optional<double> audit_line_time(std::string_view line);

// Every AVC denial in a text of lines, oldest first. A record wrapped over several lines by
// a log tool (no tclass= yet) is joined with the lines that follow it. Lines that hold
// binary bytes, and AVC lines that cannot be read even joined, are skipped and counted.
// Records older than since_epoch (seconds) are left out; records without a time are kept.
struct AvcScan {
    std::vector<AvcDenial> denials;
    int skipped_lines = 0;
};
AvcScan scan_avc_text(std::string_view text, double since_epoch);

}  // namespace dnd
