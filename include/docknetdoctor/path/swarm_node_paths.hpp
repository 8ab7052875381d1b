#pragma once
// The ports a swarm's nodes talk on, walked through this host's rulesets both ways between
// this node and every other one it knows: 2377/tcp to a manager (the cluster's control),
// 7946/tcp and 7946/udp (gossip: which node holds which task and address) and the data path
// port, 4789/udp by default (VXLAN: the overlay networks' traffic itself).
#include <cstdint>
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/path/evaluate.hpp"

namespace dnd {

// What one of these ports carries, for people: "cluster control", "gossip", "VXLAN (overlay
// traffic)".
std::string swarm_port_role(const SwarmMembership& swarm, Proto proto, std::uint16_t port);

// Per other node: its packets arriving here (on the interface the route to it leaves by, to
// this node's advertise address) and this node's packets to it (locally generated). A node
// whose address is no IP, or that this host has no route to, gets an unknown path saying so.
// Errors: this node's advertise address, the node list or what the evaluator needs is
// unavailable.
Result<std::vector<PathResult>> swarm_node_paths(const HostNetwork& host, const SwarmMembership& swarm,
                                                 const SetLookup& lookup);

}  // namespace dnd
