#pragma once
// What watch reports: a container's state is its verdict and its causes (their ids, most
// likely first); a change is due whenever that differs from the state last reported.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/report.hpp"

namespace dnd {

struct WatchedState {
    Verdict verdict = Verdict::unknown;
    std::vector<std::string> causes;
    // Why it is unknown when no cause says: the first blind spot ("" otherwise).
    std::string reason;
    bool operator==(const WatchedState&) const = default;
};

// Keyed by the container as the report names it (the name asked, or --all's name).
using WatchedStates = std::map<std::string, WatchedState>;

WatchedState watched_state(const Report& report);
WatchedStates watched_states(std::span<const Report> reports);

struct VerdictChange {
    std::string container;
    std::optional<WatchedState> before;  // nullopt: first seen
    std::optional<WatchedState> after;   // nullopt: no longer among the diagnosed (--all: stopped, removed)
};

// The changes from before to after, in container order; nothing for a state that stayed.
std::vector<VerdictChange> verdict_changes(const WatchedStates& before, const WatchedStates& after);

}  // namespace dnd
