#include "docknetdoctor/report.hpp"

namespace dnd {

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::ok: return "ok";
        case Verdict::warning: return "warning";
        case Verdict::critical: return "critical";
        case Verdict::unknown: return "unknown";
    }
    return "unknown";
}

int exit_code(Verdict v) {
    switch (v) {
        case Verdict::ok: return 0;
        case Verdict::warning: return 1;
        case Verdict::critical: return 2;
        case Verdict::unknown: return 3;
    }
    return 3;
}

std::string_view to_string(Confidence c) {
    switch (c) {
        case Confidence::low: return "low";
        case Confidence::medium: return "medium";
        case Confidence::high: return "high";
    }
    return "low";
}

}  // namespace dnd
