#pragma once
// The report: ranked causes plus what was seen, ready to render. JSON contract in
// schema/report.schema.json.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/facts.hpp"
#include "docknetdoctor/finding.hpp"

namespace dnd {

inline constexpr int kReportSchemaVersion = 1;

enum class Verdict { ok, warning, critical, unknown };
std::string_view to_string(Verdict v);
int exit_code(Verdict v);  // 0 ok, 1 warning, 2 critical, 3 unknown

enum class Confidence { low, medium, high };
std::string_view to_string(Confidence c);

struct RankedCause {
    Finding finding;
    int rank = 0;                        // 1 = most likely
    Confidence confidence = Confidence::medium;
    std::string confidence_reason;       // why this confidence (which evidence confirms it)
};

// One port under question as the user would want it summarized.
struct PortView {
    PortKey port;
    std::vector<HostBinding> bindings;   // empty: not published
    std::vector<Listener> listeners;     // inside the container, on that port
    std::string state;                   // "published", "not published", "host network" ...
};

// A source docknetdoctor could not read (from a Facts slot holding an error).
struct BlindSpot {
    std::string source;
    std::string message;
};

// A check that could not decide, and why.
struct Undecided {
    std::string check;
    std::string reason;
};

struct Report {
    int schema_version = kReportSchemaVersion;
    std::string tool_version;
    std::string target_container;        // as asked
    std::string target_name;             // resolved name ("" if unknown)
    std::string target_id;
    std::string question;                // the question, in words
    Verdict verdict = Verdict::unknown;
    std::vector<RankedCause> causes;
    std::vector<PortView> ports;
    std::vector<BlindSpot> blind_spots;
    std::vector<Undecided> undecided;
    std::map<std::string, double> timings_ms;
};

}  // namespace dnd
