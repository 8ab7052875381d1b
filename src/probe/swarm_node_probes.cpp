// The swarm's nodes probed from this host (swarm_node_probes.hpp).
#include "docknetdoctor/probe/swarm_node_probes.hpp"

#include "docknetdoctor/probe/probe.hpp"

namespace dnd {

std::vector<ProbeTarget> swarm_node_targets(const SwarmMembership& swarm) {
    std::vector<ProbeTarget> targets;
    if (!swarm.nodes) return targets;
    for (const SwarmNode& node : *swarm.nodes) {
        if (node.manager) targets.push_back(ProbeTarget{node.addr, kSwarmControlPort, Proto::tcp, "this host"});
        targets.push_back(ProbeTarget{node.addr, kSwarmGossipPort, Proto::tcp, "this host"});
    }
    return targets;
}

Result<std::vector<ProbeOutcome>> probe_swarm_nodes(const SwarmMembership& swarm, std::chrono::milliseconds deadline) {
    if (!swarm.nodes) return fail("probe", "not run: the swarm's nodes are unknown");
    const auto targets = swarm_node_targets(swarm);
    // memberlist and the cluster's gRPC accept and keep the connection: no proxy to wait out.
    return probe_batch(targets, deadline, std::chrono::milliseconds{0});
}

}  // namespace dnd
