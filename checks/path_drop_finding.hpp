#pragma once
// Shared by netfilter.forward-drop, netfilter.input-drop and netfilter.prerouting-drop: the
// three differ only in the hook they read and the fix they suggest, so the reading of
// Facts::paths lives here once.
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"

namespace dnd::checks {

struct PathDropSpec {
    const CauseInfo& cause;    // the cause to report
    std::string_view hook;      // PathResult::decided_hook it is about: "forward", "input", "prerouting"
    // The fix lines for a finding, given the first packet that rule denied.
    std::vector<std::string> (*fix)(const Facts& f, const PathResult& denied);
};

// One finding per (container port, deciding rule) among the paths denied in spec.hook;
// undecided when the paths were not evaluated or one of them was not decided. Quiet when no
// published host port is in question (--to asks about another path).
CheckResult path_drop_findings(const Facts& f, const PathDropSpec& spec);

}  // namespace dnd::checks
