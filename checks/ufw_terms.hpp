#pragma once
// A packet UFW decided, in UFW's own terms: which of the user's rules (as `ufw status
// numbered` lists it), which default policy, or which block of its rules files, and the ufw
// command that lets the packet through. The nft or iptables rule stays secondary evidence.
// Shared by firewall.ufw-blocks, exposure.firewall-bypass and the *-drop fixes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/check.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {

// The ufw command allowing `at` in hook: a route rule for "forward" (which needs the
// destination address), an incoming rule for "input"; above rule before_number when it is
// not 0. nullopt for other hooks.
std::optional<std::string> ufw_allow_command(std::string_view hook, const PacketMatch& at, int before_number = 0);

struct UfwDecision {
    // "UFW rule [ 2] 172.31.0.2 80/tcp DENY FWD 10.99.2.1", "UFW's default routed policy" ...
    std::string what;
    const UfwRule* rule = nullptr;      // the user's rule, when one of theirs decided
    bool ufw_docker = false;            // ufw-docker's DOCKER-USER block decided
    bool ipv6_off = false;              // the ip6 filter policies UFW sets with IPV6=no decided
    std::vector<std::string> evidence;  // what named it, and what could not be read
};

// nullopt when UFW's chains or policies did not decide path.
std::optional<UfwDecision> ufw_decision(const HostNetwork& host, const PathResult& path);

// Whether one of the user's UFW route rules (`ufw route allow`) accepted the packet in the
// forward hook: UFW itself lets it through there.
bool accepted_by_ufw_route_rule(const HostNetwork& host, const PathResult& path);

// Fix lines for a packet UFW denied, the first holding a ufw command whenever one lets it
// through; empty when UFW did not decide it.
std::vector<std::string> ufw_fixes(const HostNetwork& host, const PathResult& denied);

}  // namespace dnd::checks
