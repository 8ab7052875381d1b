// The audit log and journal text the SELinux reader scans for AVC denials.
#include "fuzz_target.hpp"

#include "docknetdoctor/collect/avc_parse.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    const std::string_view text = as_text(input);
    (void)scan_avc_text(text, 0);
    (void)parse_avc_line(text);
    (void)audit_line_time(text);
}
