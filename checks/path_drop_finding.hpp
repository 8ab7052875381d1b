#pragma once
// Shared by netfilter.forward-drop, netfilter.input-drop, netfilter.prerouting-drop and
// netfilter.direct-routing-blocked: they differ in the hook they read, which of its drops
// they take, what they add as evidence and the fix they suggest, so the reading of
// Facts::paths lives here once.
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"

namespace dnd::checks {

struct PathDropSpec {
    const CauseInfo& cause;    // the cause to report
    std::string_view hook;      // PathResult::decided_hook it is about: "forward", "input", "prerouting"; "" any
    // The fix lines for a finding, given the first packet that rule denied.
    std::vector<std::string> (*fix)(const Facts& f, const PathResult& denied);
    // Which of the hook's denied paths it reports; nullptr: all of them.
    bool (*takes)(const Facts& f, const PathResult& denied) = nullptr;
    // Evidence after the deciding rule and chain (what made that rule); nullptr: none.
    std::vector<std::string> (*rule_evidence)(const Facts& f, const PathResult& denied) = nullptr;
    // The title for a finding, given the one made for every check; nullptr: that one.
    std::string (*title)(const Facts& f, const PathResult& denied, const std::string& title) = nullptr;
    // Whether it reports the drops in UFW's chains and policies (firewall.ufw-blocks, which
    // names them in UFW's terms) or only the others.
    bool ufw_drops = false;
};

// One finding per (container port, deciding rule) among the paths denied in spec.hook;
// undecided when the paths were not evaluated or one of them was not decided. Quiet when no
// published host port is in question (--to asks about another path).
CheckResult path_drop_findings(const Facts& f, const PathDropSpec& spec);

}  // namespace dnd::checks
