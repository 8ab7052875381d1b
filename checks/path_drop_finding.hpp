#pragma once
// Shared by netfilter.forward-drop, netfilter.input-drop, netfilter.prerouting-drop and
// netfilter.direct-routing-blocked: they differ in the hook they read, which of its drops
// they take, what they add as evidence and the fix they suggest, so the reading of
// Facts::paths lives here once.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"
#include "firewall_manager.hpp"

namespace dnd::checks {

// How a firewall manager names the packet it refused: "UFW rule [ 2] ...", "firewalld zone
// public", with the settings of its own that say so.
struct ManagerTerms {
    std::string what;
    std::vector<std::string> evidence;
};

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
    // The manager's names for the packet: the title ends with its `what`, its evidence follows
    // the deciding rule (before rule_evidence's); nullptr: none.
    std::optional<ManagerTerms> (*terms)(const HostNetwork& host, const PathResult& denied) = nullptr;
    // Whose drops it reports: a firewall manager's (firewall.ufw-blocks and
    // firewall.firewalld-zone, which name them in that firewall's terms), or with none the
    // drops of rules no manager writes.
    FirewallManager manager = FirewallManager::none;
};

// One finding per (container port, deciding rule) among the paths denied in spec.hook;
// undecided when the paths were not evaluated or one of them was not decided. Quiet when no
// published host port is in question (--to asks about another path).
CheckResult path_drop_findings(const Facts& f, const PathDropSpec& spec);

}  // namespace dnd::checks
