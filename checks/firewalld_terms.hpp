#pragma once
// A packet firewalld decided, in firewalld's own terms: the zone (and why the interface is in
// it), the policy, the rich rule, or StrictForwardPorts, and the firewall-cmd commands that
// let the packet through. The nft rule stays secondary evidence. Shared by
// firewall.firewalld-zone and exposure.firewall-bypass.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/check.hpp"

namespace dnd::checks {

enum class FirewalldVerdictSite {
    zone,                  // a zone's chain: its target, or a rule of its own
    rich_rule,             // a reject/drop rich rule of the zone or of the policy
    policy,                // a policy's chain
    no_zone_accepts,       // the end of firewalld's forward chain: no zone or policy accepted it
    strict_forward_ports,  // StrictForwardPorts=yes: a published port firewalld does not forward
};

struct FirewalldDecision {
    FirewalldVerdictSite site = FirewalldVerdictSite::zone;
    // "firewalld zone public (docker0 is in no zone: the default zone)", ...
    std::string what;
    std::string zone;     // the zone in question ("" when none is known)
    std::string policy;
    std::string rich_rule;
    std::vector<std::string> evidence;  // firewalld's settings that name it, and what was not read
};

// nullopt when firewalld's table did not decide path.
std::optional<FirewalldDecision> firewalld_decision(const HostNetwork& host, const PathResult& path);

// Fix lines for a packet firewalld denied: firewall-cmd commands, made lasting (--permanent,
// then a reload, which flushes Docker's iptables rules: the engine is restarted after it).
std::vector<std::string> firewalld_fixes(const HostNetwork& host, const PathResult& denied);

}  // namespace dnd::checks
