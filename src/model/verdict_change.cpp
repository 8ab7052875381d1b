// watch's states and their changes (verdict_change.hpp).
#include "docknetdoctor/model/verdict_change.hpp"

namespace dnd {

WatchedState watched_state(const Report& report) {
    WatchedState s;
    s.verdict = report.verdict;
    for (const auto& c : report.causes) s.causes.push_back(c.finding.id);
    if (s.verdict == Verdict::unknown && s.causes.empty() && !report.blind_spots.empty())
        s.reason = report.blind_spots.front().message;
    return s;
}

WatchedStates watched_states(std::span<const Report> reports) {
    WatchedStates out;
    for (const auto& r : reports) out.insert_or_assign(r.target_container, watched_state(r));
    return out;
}

std::vector<VerdictChange> verdict_changes(const WatchedStates& before, const WatchedStates& after) {
    std::vector<VerdictChange> out;
    auto b = before.begin();
    auto a = after.begin();
    // Both maps are sorted: one merge walk.
    while (b != before.end() || a != after.end()) {
        if (a == after.end() || (b != before.end() && b->first < a->first)) {
            out.push_back({b->first, b->second, std::nullopt});
            ++b;
        } else if (b == before.end() || a->first < b->first) {
            out.push_back({a->first, std::nullopt, a->second});
            ++a;
        } else {
            if (!(a->second == b->second)) out.push_back({a->first, b->second, a->second});
            ++a;
            ++b;
        }
    }
    return out;
}

}  // namespace dnd
