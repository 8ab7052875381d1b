// The report types' names and the verdict's exit code (declared in report.hpp): model data,
// so every layer that renders or ranks a report links them from here.
#include "docknetdoctor/model/report.hpp"

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

Verdict worst_verdict(std::span<const Verdict> verdicts) {
    auto badness = [](Verdict v) {
        switch (v) {
            case Verdict::ok: return 0;
            case Verdict::unknown: return 1;
            case Verdict::warning: return 2;
            case Verdict::critical: return 3;
        }
        return 1;
    };
    Verdict worst = Verdict::ok;
    for (Verdict v : verdicts)
        if (badness(v) > badness(worst)) worst = v;
    return worst;
}

std::string_view to_string(Confidence c) {
    switch (c) {
        case Confidence::low: return "low";
        case Confidence::medium: return "medium";
        case Confidence::high: return "high";
    }
    return "low";
}

std::string_view to_string(Support s) {
    switch (s) {
        case Support::confirmed: return "confirmed";
        case Support::open: return "open";
        case Support::contradicted: return "contradicted";
    }
    return "open";
}

}  // namespace dnd
