// Names and exit codes of the live trace's results.
#include "docknetdoctor/model/trace.hpp"

#include "docknetdoctor/model/report.hpp"

namespace dnd {

std::string_view to_string(TraceComparison::Outcome o) {
    switch (o) {
        case TraceComparison::Outcome::confirmed: return "confirmed";
        case TraceComparison::Outcome::contradicted: return "contradicted";
        case TraceComparison::Outcome::decided_by_trace: return "decided_by_trace";
        case TraceComparison::Outcome::inconclusive: return "inconclusive";
    }
    return "inconclusive";
}

const TraceChain* find_trace_chain(std::string_view name) {
    for (const TraceChain& c : kTraceChains)
        if (c.name == name) return &c;
    return nullptr;
}

int trace_exit_code(const TraceReport& r) {
    switch (r.traced.verdict) {
        case PathVerdict::dropped:
        case PathVerdict::rejected: return 2;
        case PathVerdict::unknown: return kExitUnknown;
        default: return 0;
    }
}

}  // namespace dnd
