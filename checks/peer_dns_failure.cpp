// peer.dns-failure: the source shares a user-defined network with the target, yet its own
// resolver does not answer the name with an address.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.dns-failure",
    .severity = Severity::critical,
    .summary = "the name does not resolve inside the source container",
    .evidence = "a real DNS query from the source's netns (127.0.0.11 on user networks)",
    .fix = "aliases, network, resolver",
    .rationale = "On user-defined networks the embedded DNS answers with the names and aliases of "
        "containers on networks the asking container shares; other names are forwarded to the "
        "host's resolvers. A name that is not a container, alias or service on a shared network, "
        "or an upstream resolver the container cannot reach, gives NXDOMAIN or a timeout. Adding an "
        "alias or the network, or fixing the resolver, makes it resolve.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || peer->kind != PeerHostKind::name || !peer->target) return result;
    const Container& source = *f.container;
    auto shared = shared_network_names(source, *peer->target);
    std::erase(shared, std::string("bridge"));  // the default bridge has no DNS: its own cause
    if (shared.empty()) return result;           // peer.different-networks / default-bridge explain it
    // The engine drops a stopped container's names: container.not-running (on the target) says so.
    if (!has_live_process(*peer->target)) return result;
    if (!peer_dns_failed(*peer)) {
        if (!peer_name_resolves(*peer) && !peer->dns)
            result.undecided.push_back(unavailable_reason("the DNS answer", peer->dns.error()));
        return result;
    }

    Finding finding = new_finding(kCause);
    finding.port = PortKey{peer->query.port, Proto::tcp};
    finding.title = fmt::format("{} does not resolve inside {}, although both are on {}", peer->query.host, source.name,
                                fmt::join(shared, ", "));
    if (peer->nameservers)
        finding.evidence.push_back(fmt::format("resolv.conf of {}: nameserver {}", source.name, fmt::join(*peer->nameservers, ", ")));
    finding.evidence.push_back(dns_evidence(*peer));
    finding.evidence.push_back(fmt::format("{} matched {} by {}", peer->query.host, peer->target->name, peer->match));
    for (const auto& n : peer->target->networks)
        finding.evidence.push_back(fmt::format("aliases of {} on {}: [{}]", peer->target->name, n.network, fmt::join(n.aliases, ", ")));
    finding.evidence.push_back(probe_evidence(*peer));
    finding.fix.push_back(fmt::format("use a name the network knows: {} (container name) or one of its aliases", peer->target->name));
    finding.fix.push_back(fmt::format("add the alias: docker network disconnect {0} {1}; docker network connect --alias {2} {0} {1}",
                                      shared.front(), peer->target->name, peer->query.host));
    finding.fix.push_back(fmt::format("check the resolver: docker exec {} nslookup {}", source.name, peer->query.host));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_dns_failure() {
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
