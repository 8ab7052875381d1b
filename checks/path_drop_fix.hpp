#pragma once
// Fix lines for a packet that a rule or policy denies, written for where the drop really is.
// In nftables an accept ends only its own base chain and every base chain on the hook still
// runs: an ACCEPT in DOCKER-USER fixes a drop in DOCKER-USER (or in what it jumps to) and
// nothing else. So the allowance goes into the chain whose walk dropped the packet, with the
// tool that owns that table (iptables-nft, iptables-legacy, nft), or the manager that owns
// the rule is named. Shared by the *-drop checks, netfilter.backend-mismatch and
// exposure.firewall-bypass.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/check.hpp"

namespace dnd::checks {

// The packet as a rule that lets it through (or keeps it out) matches it.
struct PacketMatch {
    int family = 4;
    std::optional<std::string> iif;
    std::optional<std::string> daddr;
    Proto proto = Proto::tcp;
    std::uint16_t dport = 0;

    std::string iptables() const;  // "-i eth0 -d 172.17.0.2 -p tcp --dport 80"
    std::string nft() const;       // "iifname \"eth0\" ip daddr 172.17.0.2 tcp dport 80"
};

// The packet as the chain that decided path matches it.
PacketMatch packet_where_decided(const PathResult& path);

// Most direct first. The first line holds a command (fix_command.hpp) that lets the denied
// packet through exactly where it died, whenever that place was found in the rulesets;
// otherwise the lines say which rule to change.
std::vector<std::string> fixes_where_denied(const Facts& f, const PathResult& denied);

// "iptables-nft -I DOCKER-USER" for the DOCKER-USER chain the path's forward walk passed
// (ip6tables / iptables-legacy after the table it is in); nullopt when it passed none
// (Docker's nftables backend has no DOCKER-USER).
std::optional<std::string> docker_user_insert(const Facts& f, const PathResult& path);

}  // namespace dnd::checks
