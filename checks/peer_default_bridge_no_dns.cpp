// peer.default-bridge-no-dns: both containers are on Docker's default bridge, where the
// engine runs no DNS for container names (only user-defined networks have 127.0.0.11).
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.default-bridge-no-dns",
    .severity = Severity::critical,
    .summary = "both on the default bridge: names do not resolve there",
    .evidence = "NetworkMode/Networks = bridge",
    .fix = "use a user-defined network",
    .rationale = "Docker's embedded DNS server (127.0.0.11) serves container names only on user-defined "
        "networks; containers on the default bridge get the host's resolv.conf and cannot resolve "
        "each other by name. Legacy --link was the workaround. A user-defined network gives both "
        "containers name resolution.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || peer->kind != PeerHostKind::name || !peer->target) return result;
    const Container& source = *f.container;
    const Container& target = *peer->target;
    const auto shared = shared_network_names(source, target);
    // A shared user-defined network gives DNS; the default bridge alone does not.
    if (shared.empty() || shared != std::vector<std::string>{"bridge"}) return result;
    if (peer_name_resolves(*peer)) return result;  // --link or --add-host put it in /etc/hosts

    Finding finding = new_finding(kCause);
    finding.port = PortKey{peer->query.port, Proto::tcp};
    finding.title = fmt::format("{} and {} are only on the default bridge: the name {} does not resolve there",
                                source.name, target.name, peer->query.host);
    finding.evidence.push_back(networks_evidence(source));
    finding.evidence.push_back(networks_evidence(target));
    if (peer->nameservers)
        finding.evidence.push_back(fmt::format("resolv.conf of {}: nameserver {} (no embedded DNS at 127.0.0.11)",
                                               source.name, fmt::join(*peer->nameservers, ", ")));
    finding.evidence.push_back(dns_evidence(*peer));
    finding.evidence.push_back(probe_evidence(*peer));
    finding.fix.push_back(fmt::format("docker network create appnet; docker network connect appnet {}; docker network connect appnet {}",
                                      source.name, target.name));
    finding.fix.push_back("run both with --network appnet (compose does this by default)");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_default_bridge_no_dns() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = kPeerNote,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
