#include "docknetdoctor/finding.hpp"

namespace dnd {

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::info: return "info";
        case Severity::warning: return "warning";
        case Severity::critical: return "critical";
    }
    return "info";
}

std::optional<Severity> parse_severity(std::string_view s) {
    if (s == "info") return Severity::info;
    if (s == "warning") return Severity::warning;
    if (s == "critical") return Severity::critical;
    return std::nullopt;
}

}  // namespace dnd
