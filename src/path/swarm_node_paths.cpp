// The swarm's node ports through this host (swarm_node_paths.hpp).
#include "docknetdoctor/path/swarm_node_paths.hpp"

#include <fmt/format.h>

#include "path_internal.hpp"

namespace dnd {
namespace {

struct NodePort {
    Proto proto;
    std::uint16_t port;
    bool managers_only;  // 2377: only a manager listens on it
};

std::vector<NodePort> node_ports(const SwarmMembership& swarm) {
    return {{Proto::tcp, kSwarmControlPort, true},
            {Proto::tcp, kSwarmGossipPort, false},
            {Proto::udp, kSwarmGossipPort, false},
            {Proto::udp, swarm.data_path_port, false}};
}

PathResult unknown_path(const Packet& p, const std::string& why) {
    return path::unknown_at_routing(p, "route to the node", "unknown: " + why, why);
}

}  // namespace

std::string swarm_port_role(const SwarmMembership& swarm, Proto proto, std::uint16_t port) {
    if (proto == Proto::tcp && port == kSwarmControlPort) return "cluster control";
    if (port == kSwarmGossipPort) return "gossip";
    if (proto == Proto::udp && port == swarm.data_path_port) return "VXLAN: the overlay networks' traffic";
    return "swarm";
}

Result<std::vector<PathResult>> swarm_node_paths(const HostNetwork& host, const SwarmMembership& swarm,
                                                 const SetLookup& lookup) {
    if (!swarm.nodes) return fail("path", "needs the swarm's nodes (" + swarm.nodes.error().message + ")");
    if (!host.routes) return fail("path", "needs the host's routes (" + host.routes.error().message + ")");
    const auto self = path::parse_ip(swarm.node_addr);
    if (!self) return fail("path", fmt::format("this node's advertise address '{}' is no IP address", swarm.node_addr));
    const int family = self->size() == 16 ? 6 : 4;

    std::vector<PathResult> out;
    for (const SwarmNode& node : *swarm.nodes) {
        for (const NodePort& port : node_ports(swarm)) {
            Packet in;  // the other node's packet arriving here
            in.family = family;
            in.proto = port.proto;
            in.dport = port.port;
            // Gossip over UDP is sent from the port it listens on.
            if (port.proto == Proto::udp && port.port == kSwarmGossipPort) in.sport = kSwarmGossipPort;
            in.saddr = node.addr;
            in.daddr = swarm.node_addr;
            Packet sent = in;  // this node's packet to it
            sent.saddr = swarm.node_addr;
            sent.daddr = node.addr;
            const bool ask_in = !port.managers_only || swarm.manager;
            const bool ask_out = !port.managers_only || node.manager;
            const auto peer = path::parse_ip(node.addr, family);
            if (!peer) {
                const auto why = fmt::format("node {} has no {} address this node can use ('{}')", node.id,
                                             family == 6 ? "IPv6" : "IPv4", node.addr);
                if (ask_in) out.push_back(unknown_path(in, why));
                if (ask_out) out.push_back(unknown_path(sent, why));
                continue;
            }
            const path::RouteDecision route = path::route_lookup(host, family, *peer);
            if (ask_in) {
                if (route.kind == path::RouteDecision::Kind::forward) {
                    in.iif = route.oif;
                    out.push_back(evaluate_path(host, in, lookup));
                } else {
                    out.push_back(unknown_path(in, "the interface packets from " + node.addr + " arrive on (" +
                                                       route.note + ")"));
                }
            }
            if (ask_out) out.push_back(evaluate_path(host, sent, lookup));
        }
    }
    return out;
}

}  // namespace dnd
