// swarm.node-ports-blocked: this host's rules drop a port the swarm's nodes talk on
// (2377/tcp control, 7946/tcp+udp gossip, the data path port for VXLAN) between this node
// and another one.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/path/address_match.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "docknetdoctor/path/swarm_node_paths.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "swarm.node-ports-blocked",
    .severity = Severity::critical,
    .summary = "2377/tcp, 7946/tcp+udp or 4789/udp filtered between swarm nodes",
    .evidence = "the swarm's nodes (/info, /nodes), their ports walked through this host's rulesets both ways",
    .fix = "open the swarm ports between nodes",
    .rationale = "A swarm's nodes talk on three ports: 2377/tcp to the managers (joining, orders, the task "
        "list), 7946/tcp and udp between all (gossip: which node holds which task and address) and the data "
        "path port, 4789/udp unless set at `swarm init`, between all (VXLAN: the overlay networks' packets "
        "themselves). A host firewall that drops one of them leaves the nodes Ready and the tasks running, "
        "while containers on different nodes cannot reach each other (VXLAN), services miss the other node's "
        "tasks (gossip) or a node cannot follow the managers (control). Allowing the ports between the "
        "nodes' addresses, both ways, fixes it.",
};

constexpr std::string_view kPathUnexplained = "path.unexplained";

// At most this many packets are listed as evidence for one rule; the rest are counted.
constexpr std::size_t kPacketsShown = 6;

bool is_gossip(const Packet& p) { return p.dport == kSwarmGossipPort; }

// Whether the packet comes to this node (else it leaves for the other one). Not told by its
// input interface: a packet from a node with no route back has none.
bool arrives(const SwarmMembership& swarm, const Packet& p) { return p.daddr == swarm.node_addr; }

// The other node a packet is about.
const std::string& other_node(const SwarmMembership& swarm, const Packet& p) {
    return arrives(swarm, p) ? p.saddr : p.daddr;
}

std::string port_text(const SwarmMembership& swarm, const Packet& p) {
    return fmt::format("{}/{} ({})", p.dport, to_string(p.proto), swarm_port_role(swarm, p.proto, p.dport));
}

// "this node: 10.232.0.1 (manager), a member of a swarm (/info Swarm)"
std::string membership_evidence(const SwarmMembership& swarm) {
    return fmt::format("this node: {} ({}), a member of a swarm (/info Swarm)", sanitize(swarm.node_addr),
                       swarm.manager ? "manager" : "worker");
}

// What stops working, worst first: VXLAN takes the overlay traffic itself.
std::string consequence(const SwarmMembership& swarm, const std::vector<const PathResult*>& denied) {
    auto any = [&](auto pred) {
        return std::any_of(denied.begin(), denied.end(), [&](const PathResult* p) { return pred(p->packet); });
    };
    if (any([&](const Packet& p) { return p.proto == Proto::udp && p.dport == swarm.data_path_port; }))
        return "containers on overlay networks cannot reach those on that node";
    if (any(is_gossip)) return "the nodes do not learn each other's tasks and addresses";
    if (any([&](const Packet& p) { return arrives(swarm, p); })) return "the other nodes cannot reach this manager";
    return "this node cannot follow the cluster's managers";
}

// "to", "from", or "to and from" the node(s).
std::string directions(const SwarmMembership& swarm, const std::vector<const PathResult*>& denied) {
    auto any = [&](bool in) {
        return std::any_of(denied.begin(), denied.end(), [&](const PathResult* p) { return arrives(swarm, p->packet) == in; });
    };
    const bool in = any(true);
    const bool out = any(false);
    return out && in ? "to and from" : out ? "to" : "from";
}

// A connection from this host to another node that did not open.
bool unanswered(const ProbeOutcome& o) {
    return o.outcome == ProbeStatus::timeout || o.outcome == ProbeStatus::refused ||
           o.outcome == ProbeStatus::unreachable || o.outcome == ProbeStatus::reset;
}

// The probe as evidence: "probe from this host to 10.232.0.2:7946/tcp: timeout (no answer within 2000 ms)".
std::string probe_text(const ProbeOutcome& o) {
    return fmt::format("probe from {} to {}:{}/{}: {} ({})", o.target.vantage, sanitize(o.target.address), o.target.port,
                       to_string(o.target.proto), to_string(o.outcome), sanitize(o.detail));
}

// This host's own walk of the probe's first packet (out to that node and port); nullptr when none was walked.
const PathResult* path_of_probe(const SwarmMembership& swarm, const ProbeOutcome& o) {
    if (!swarm.paths) return nullptr;
    for (const PathResult& p : *swarm.paths)
        if (!arrives(swarm, p.packet) && p.packet.daddr == o.target.address && p.packet.dport == o.target.port &&
            p.packet.proto == o.target.proto)
            return &p;
    return nullptr;
}

// The overlay network (among the source's) that the address --to probed is on: its packets
// to a container on another node travel in VXLAN, learned through gossip. nullptr: none.
const NetworkInfo* overlay_of_peer_probe(const Facts& f) {
    if (!f.peer || !f.peer->probe || !f.networks) return nullptr;
    const std::string& address = f.peer->probe->target.address;
    for (const NetworkInfo& n : *f.networks)
        if (n.driver == "overlay")
            for (const std::string& subnet : n.subnets)
                if (address_in_subnet(address, subnet)) return &n;
    return nullptr;
}

Finding finding_for(const Facts& f, const SwarmMembership& swarm, const std::vector<const PathResult*>& denied) {
    std::set<std::string> ports;
    std::set<std::string> nodes;
    for (const PathResult* p : denied) {
        ports.insert(port_text(swarm, p->packet));
        nodes.insert(sanitize(other_node(swarm, p->packet)));
    }
    const PathResult& first = *denied.front();
    Finding finding = new_finding(kCause);
    finding.title = fmt::format("swarm port{} {} {} node{} {} {} dropped by this host's rules: {}",
                                ports.size() == 1 ? "" : "s", fmt::join(ports, ", "), directions(swarm, denied),
                                nodes.size() == 1 ? "" : "s", fmt::join(nodes, ", "), ports.size() == 1 ? "is" : "are",
                                consequence(swarm, denied));
    finding.evidence.push_back(membership_evidence(swarm));
    for (std::size_t i = 0; i < denied.size() && i < kPacketsShown; ++i)
        finding.evidence.push_back(fmt::format("{}: {} in {} by {}", describe_packet(denied[i]->packet),
                                               to_string(denied[i]->verdict), denied[i]->decided_hook,
                                               denied[i]->decided_by));
    if (denied.size() > kPacketsShown)
        finding.evidence.push_back(fmt::format("and {} more packet(s) denied by that rule", denied.size() - kPacketsShown));
    if (swarm.probes)  // a real connection that the rule's packets are the first of
        for (const ProbeOutcome& o : *swarm.probes)
            if (const PathResult* p = path_of_probe(swarm, o);
                p != nullptr && unanswered(o) && std::find(denied.begin(), denied.end(), p) != denied.end()) {
                finding.evidence.push_back(probe_text(o));
                if (finding.confirmed_by_probe.empty()) finding.confirmed_by_probe = probe_text(o);
            }
    const bool overlay_denied = std::any_of(denied.begin(), denied.end(), [&](const PathResult* p) {
        return is_gossip(p->packet) || (p->packet.proto == Proto::udp && p->packet.dport == swarm.data_path_port);
    });
    if (const NetworkInfo* overlay = overlay_of_peer_probe(f); overlay && overlay_denied) {
        // What --to could not reach crosses these ports when it is on another node.
        finding.explains.emplace_back(kPathUnexplained);
        finding.evidence.push_back(fmt::format("--to probed {}, on overlay network {} ({}): to another node its "
                                               "packets travel in VXLAN, its address learned through gossip",
                                               f.peer->probe->target.address, sanitize(overlay->name),
                                               fmt::join(overlay->subnets, ", ")));
    }
    finding.fix = fixes_where_denied(f, first);
    finding.fix.push_back(fmt::format("between the nodes' addresses, both ways: allow {}/tcp to managers, {}/tcp "
                                      "and {}/udp, and {}/udp",
                                      kSwarmControlPort, kSwarmGossipPort, kSwarmGossipPort, swarm.data_path_port));
    return finding;
}

// Probes this host's rules let out that got no connection: the path between the nodes, or
// the other node, stops them. Grouped by node and outcome.
std::vector<Finding> unanswered_findings(const SwarmMembership& swarm, const std::vector<ProbeOutcome>& probes) {
    std::vector<std::pair<std::string, ProbeStatus>> order;
    // Each probe with this host's walk of its first packet.
    std::map<std::pair<std::string, ProbeStatus>, std::vector<std::pair<const ProbeOutcome*, const PathResult*>>> groups;
    for (const ProbeOutcome& o : probes) {
        if (!unanswered(o)) continue;
        const PathResult* path = path_of_probe(swarm, o);
        if (path == nullptr || path->verdict != PathVerdict::sent) continue;  // denied here: the rule's finding says so
        const auto key = std::pair{o.target.address, o.outcome};
        if (groups[key].empty()) order.push_back(key);
        groups[key].emplace_back(&o, path);
    }
    std::vector<Finding> out;
    for (const auto& key : order) {
        const auto& group = groups[key];
        const std::string node = sanitize(key.first);
        std::vector<std::string> ports;
        std::vector<const PathResult*> paths;
        for (const auto& [probe, path] : group) {
            ports.push_back(port_text(swarm, path->packet));
            paths.push_back(path);
        }
        const std::string listed = fmt::format("{}", fmt::join(ports, ", "));
        Finding finding = new_finding(kCause);
        switch (key.second) {
            case ProbeStatus::refused:
            case ProbeStatus::reset:
                finding.title = fmt::format("node {} refuses swarm port{} {}: its engine does not listen there (down, "
                                            "or no longer in this swarm)",
                                            node, ports.size() == 1 ? "" : "s", listed);
                break;
            case ProbeStatus::unreachable:
                finding.title = fmt::format("node {} is unreachable from this host on swarm port{} {}", node,
                                            ports.size() == 1 ? "" : "s", listed);
                break;
            default:
                finding.title = fmt::format("swarm port{} {} to node {} get{} no answer, though this host's rules let "
                                            "{} out: dropped between the nodes or by node {}'s firewall: {}",
                                            ports.size() == 1 ? "" : "s", listed, node, ports.size() == 1 ? "s" : "",
                                            ports.size() == 1 ? "it" : "them", node, consequence(swarm, paths));
        }
        finding.evidence.push_back(membership_evidence(swarm));
        finding.confirmed_by_probe = probe_text(*group.front().first);
        for (const auto& [probe, path] : group) {
            finding.evidence.push_back(probe_text(*probe));
            finding.evidence.push_back(fmt::format("{}: {} ({})", describe_packet(path->packet), to_string(path->verdict),
                                                   path->decided_by));
        }
        if (key.second == ProbeStatus::refused || key.second == ProbeStatus::reset) {
            finding.fix.push_back(fmt::format("on node {}: is its engine running and still in this swarm (docker "
                                              "info --format '{{{{.Swarm.LocalNodeState}}}}')? On a manager: docker "
                                              "node ls",
                                              node));
        } else {
            finding.fix.push_back(fmt::format("open {} on node {} to this node ({}): its host firewall, and any "
                                              "firewall or cloud security group between the nodes",
                                              listed, node, sanitize(swarm.node_addr)));
            finding.fix.push_back(fmt::format("docknetdoctor on node {} (a task or overlay container there) names a "
                                              "rule of that host's own",
                                              node));
        }
        out.push_back(std::move(finding));
    }
    return out;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!f.swarm) return result;
    const SwarmMembership& swarm = *f.swarm;
    if (!swarm.nodes) {
        result.undecided.push_back(unavailable_reason("swarm.nodes", swarm.nodes.error()));
        return result;
    }
    // A worker's partial view (its managers only) is a note of the report's, not a blind spot.
    if (!swarm.paths) {
        result.undecided.push_back(unavailable_reason("swarm.paths", swarm.paths.error()));
        return result;
    }
    // One finding per deciding rule, in the order the paths were walked.
    std::vector<std::string> rules;
    std::map<std::string, std::vector<const PathResult*>> by_rule;
    for (const PathResult& p : *swarm.paths) {
        if (p.verdict == PathVerdict::unknown) {
            result.undecided.push_back(fmt::format("swarm port {} {} node {}: {}", port_text(swarm, p.packet),
                                                   arrives(swarm, p.packet) ? "from" : "to",
                                                   sanitize(other_node(swarm, p.packet)), p.decided_by));
            continue;
        }
        if (!is_denied(p)) continue;
        auto& group = by_rule[p.decided_by];
        if (group.empty()) rules.push_back(p.decided_by);
        group.push_back(&p);
    }
    for (const std::string& rule : rules) result.findings.push_back(finding_for(f, swarm, by_rule[rule]));
    if (swarm.probes) {
        for (const ProbeOutcome& o : *swarm.probes)
            if (o.outcome == ProbeStatus::error)
                result.undecided.push_back(fmt::format("{}: could not run", probe_text(o)));
        for (Finding& finding : unanswered_findings(swarm, *swarm.probes)) result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& swarm_node_ports_blocked() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = "the container's own ports pass whatever the swarm's ports do",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
