// peer.icc-disabled: the only networks source and target share forbid inter-container
// traffic (enable_icc=false: Docker adds a DROP for traffic from the bridge to itself).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.icc-disabled",
    .severity = Severity::critical,
    .summary = "inter-container traffic disabled on the shared network",
    .evidence = "network option enable_icc=false / daemon icc, the DROP rule",
    .fix = "enable icc or use links/another network",
    .rationale = "With icc=false on the daemon, or com.docker.network.bridge.enable_icc=false on a network, "
        "Docker adds a rule that drops traffic between containers on that bridge. Published ports "
        "still work from outside, but container-to-container connections time out. Enabling icc, "
        "or putting the two containers on a network that allows it, removes the drop.",
};

constexpr const char* kIccOption = "com.docker.network.bridge.enable_icc";

bool icc_disabled(const NetworkInfo& n) {
    auto it = n.options.find(kIccOption);
    return it != n.options.end() && it->second == "false";
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || !peer->target || peer->kind == PeerHostKind::loopback) return result;
    const Container& source = *f.container;
    const auto shared = shared_network_names(source, *peer->target);
    if (shared.empty()) return result;
    if (!f.networks) {
        result.undecided.push_back(unavailable_reason("the source's networks", f.networks.error()));
        return result;
    }
    const auto attached = attached_networks(source, *f.networks);
    std::vector<const NetworkInfo*> shared_infos;
    for (const auto& n : attached)
        if (std::find(shared.begin(), shared.end(), n.name) != shared.end()) shared_infos.push_back(&n);
    if (shared_infos.empty()) {
        result.undecided.push_back(fmt::format("needs the inspect of network {} (not among the source's networks)", shared.front()));
        return result;
    }
    if (!std::all_of(shared_infos.begin(), shared_infos.end(), [](const NetworkInfo* n) { return icc_disabled(*n); }))
        return result;

    Finding finding = new_finding(kCause);
    finding.port = PortKey{peer->query.port, Proto::tcp};
    finding.title = fmt::format("inter-container traffic is disabled on {}, the only network {} shares with {}",
                                fmt::join(shared, ", "), source.name, peer->target->name);
    for (const auto* n : shared_infos) {
        finding.evidence.push_back(fmt::format("network \"{}\": Options[\"{}\"] = \"false\"", n->name, kIccOption));
        finding.evidence.push_back(fmt::format(
            "enforced by a DROP of forwarded traffic from {0} to {0} (iptables -A FORWARD -i {0} -o {0} -j DROP); the "
            "ruleset itself was not read for --to",
            bridge_device(*n)));
    }
    finding.evidence.push_back(probe_evidence(*peer));
    finding.fix.push_back("put both on a network with icc enabled: docker network create appnet; docker network connect appnet "
                          + source.name + "; docker network connect appnet " + peer->target->name);
    finding.fix.push_back(fmt::format("or recreate {} without -o {}=false", shared.front(), kIccOption));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_icc_disabled() {
    static const Check check{
        .cause = kCause,
        .evidence = peer_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
