#pragma once
// Real connections from this host to the swarm's other nodes on the TCP ports they listen
// on: 7946 (gossip) on every node, 2377 (control) on managers. They answer what this host's
// rules cannot: whether the packets get through the path between the nodes and the other
// node's own firewall. (UDP 7946 and the VXLAN port give no answer to a bare packet.)
#include <chrono>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// The targets, one per (node, port), from the calling thread's network namespace (the host's).
std::vector<ProbeTarget> swarm_node_targets(const SwarmMembership& swarm);

// Probes them under one deadline. Errors: the node list is unavailable.
Result<std::vector<ProbeOutcome>> probe_swarm_nodes(const SwarmMembership& swarm, std::chrono::milliseconds deadline);

}  // namespace dnd
