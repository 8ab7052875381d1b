// netfilter.forward-drop: the packet, DNAT'd to the container, dies in a forward hook.
#include <fmt/format.h>

#include "checks.hpp"
#include "path_drop_finding.hpp"

namespace dnd::checks {
namespace {

std::vector<std::string> forward_fix(const Facts&, const PathResult& denied) {
    std::vector<std::string> fix;
    // DOCKER-USER sees the packet after DNAT: match the original port through conntrack.
    fix.push_back(fmt::format("allow it in DOCKER-USER, before the drop: iptables -I DOCKER-USER -d {} -p {} "
                              "-m conntrack --ctorigdstport {} -j ACCEPT",
                              denied.final_packet.daddr, to_string(denied.packet.proto), denied.packet.dport));
    fix.push_back(fmt::format("or change the rule that decides: {}", denied.decided_by));
    fix.push_back("if a firewall manager (ufw, firewalld) owns that rule, allow the route there (ufw route allow ...)");
    return fix;
}

}  // namespace

CheckResult netfilter_forward_drop(const Facts& f) {
    return path_drop_findings(f, {"netfilter.forward-drop", "forward", forward_fix});
}

}  // namespace dnd::checks
