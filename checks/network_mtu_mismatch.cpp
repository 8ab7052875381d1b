// network.mtu-mismatch: a container network's MTU is above the MTU of the link its packets
// leave this host by (a VPN, a tunnel, a cloud's smaller MTU), or an overlay's MTU plus the
// 50 bytes of VXLAN is above the link to the other nodes: small packets pass, full-size ones
// need ICMP "fragmentation needed" to come back, and where it does not, large transfers stall.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/egress_links.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "network.mtu-mismatch",
    .severity = Severity::warning,
    .summary = "bridge/veth MTU above the egress MTU (VPN/overlay): handshakes work, big transfers hang",
    .evidence = "link MTUs and routes (rtnetlink), network option com.docker.network.driver.mtu",
    .fix = "set the daemon/network mtu",
    .rationale = "Docker gives bridges and veths an MTU of 1500 unless told otherwise, and an overlay 1450 "
        "(1500 less the 50 bytes VXLAN adds). When the path leaves through a link with a smaller MTU (a VPN, "
        "an overlay, some clouds) and ICMP \"fragmentation needed\" is lost, small packets pass but full-size "
        "ones are dropped: connections open, then large responses stall. Setting the network's MTU to the "
        "egress MTU avoids oversize packets in the first place.",
};

constexpr const char* kMtuOption = "com.docker.network.driver.mtu";
constexpr int kVxlanOverhead = 50;
constexpr int kDefaultOverlayMtu = 1450;

// The network's MTU, where it was read from, and the bytes it grows by on the way out.
struct NetworkMtu {
    int mtu = 0;
    int overhead = 0;
    std::string source;
};

std::optional<int> mtu_option(const NetworkInfo& n) {
    const auto it = n.options.find(kMtuOption);
    if (it == n.options.end()) return std::nullopt;
    try {
        return std::stoi(it->second);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<NetworkMtu> network_mtu(const Facts& f, const NetworkInfo& n) {
    if (n.driver == "overlay") {
        const auto set = mtu_option(n);
        return NetworkMtu{set.value_or(kDefaultOverlayMtu), kVxlanOverhead,
                          set ? fmt::format("network option {}={}", kMtuOption, *set)
                              : fmt::format("Docker's default for an overlay ({}: 1500 less VXLAN's {})",
                                            kDefaultOverlayMtu, kVxlanOverhead)};
    }
    if (n.driver != "bridge") return std::nullopt;
    const std::string bridge = bridge_device(n);
    const auto& links = *f.host->links;
    const auto link = std::find_if(links.begin(), links.end(), [&](const Link& l) { return l.name == bridge; });
    if (link == links.end() || link->mtu <= 0) return std::nullopt;
    return NetworkMtu{link->mtu, 0, fmt::format("bridge {}", bridge)};
}

// Where the network's packets leave toward: the other swarm nodes for an overlay, the
// client (--from) or the default way for a bridge.
Result<std::vector<EgressLink>> egress_for(const Facts& f, const NetworkInfo& n, const std::vector<std::string>& bridges) {
    if (n.driver == "overlay" && f.swarm && f.swarm->nodes && !f.swarm->nodes->empty()) {
        std::vector<EgressLink> out;
        for (const auto& node : *f.swarm->nodes) {
            if (node.addr.empty()) continue;
            auto links = egress_links(*f.host, node.addr, bridges);
            if (!links) return links;
            for (auto& l : *links) {
                l.chosen_by = fmt::format("the route to node {}", node.addr);
                out.push_back(std::move(l));
            }
        }
        return out;
    }
    if (f.query.from) {
        auto toward = egress_links(*f.host, *f.query.from, bridges);
        if (!toward || !toward->empty()) return toward;  // a local client: no link to cross
    }
    return egress_links(*f.host, std::nullopt, bridges);
}

std::string fix_for(const NetworkInfo& n, int mtu) {
    if (n.name == "bridge")
        return fmt::format("set the default bridge's MTU in /etc/docker/daemon.json (\"mtu\": {}) and restart dockerd",
                           mtu);
    return fmt::format("recreate network {} with that MTU (a network keeps the MTU it was created with): docker network "
                       "create -o {}={} ..., then reconnect its containers",
                       n.name, kMtuOption, mtu);
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container || !has_own_network_stack(*container) || container->networks.empty()) return result;
    if (!f.networks) {
        result.undecided.push_back(unavailable_reason("the networks", f.networks.error()));
        return result;
    }
    const auto attached = attached_networks(*container, *f.networks);
    std::vector<std::string> bridges;
    for (const auto& n : attached)
        if (n.driver == "bridge") bridges.push_back(bridge_device(n));
    // --to asks about the way to another container: a bridge's packets to it never leave
    // the host, an overlay's cross to the other nodes.
    std::vector<NetworkInfo> judged;
    for (const auto& n : attached)
        if (n.driver == "overlay" || (n.driver == "bridge" && !f.query.to)) judged.push_back(n);
    if (judged.empty()) return result;
    if (!f.host->links) {
        result.undecided.push_back(unavailable_reason("the routes and links", f.host->links.error()));
        return result;
    }
    for (const NetworkInfo& n : judged) {
        const auto mtu = network_mtu(f, n);
        if (!mtu) continue;
        auto egress = egress_for(f, n, bridges);
        if (!egress) {
            result.undecided.push_back(unavailable_reason("the routes and links", egress.error()));
            continue;
        }
        const auto narrowest = std::min_element(egress->begin(), egress->end(),
                                                [](const EgressLink& a, const EgressLink& b) { return a.mtu < b.mtu; });
        if (narrowest == egress->end() || mtu->mtu + mtu->overhead <= narrowest->mtu) continue;

        Finding finding = new_finding(kCause);
        const int fitting = narrowest->mtu - mtu->overhead;
        finding.title = mtu->overhead == 0
                            ? fmt::format("network {}'s MTU {} is above the {} of {}, the way to clients: full-size "
                                          "packets from {} stall there unless ICMP \"fragmentation needed\" gets back",
                                          n.name, mtu->mtu, narrowest->mtu, narrowest->name, container_ref(f))
                            : fmt::format("overlay {}'s MTU {} plus {} bytes of VXLAN is above the {} of {}, the way to "
                                          "the other nodes: full-size packets across it are fragmented or dropped",
                                          n.name, mtu->mtu, mtu->overhead, narrowest->mtu, narrowest->name);
        finding.evidence.push_back(fmt::format("network {}: MTU {} ({})", n.name, mtu->mtu, mtu->source));
        for (const auto& e : *egress)
            finding.evidence.push_back(fmt::format("{}: MTU {}, the way out by {}", e.name, e.mtu, e.chosen_by));
        finding.fix.push_back(fix_for(n, fitting));
        finding.fix.push_back("or make sure ICMP \"fragmentation needed\" reaches the sender (path MTU discovery), "
                              "or clamp TCP's MSS to the path MTU on the way out");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& network_mtu_mismatch() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = "small probes pass whatever the MTU; only large transfers show it",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
