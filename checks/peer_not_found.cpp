// peer.not-found: --to names no container, and the name does not resolve inside the source.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.not-found",
    .severity = Severity::critical,
    .summary = "--to names no container/host that resolves",
    .evidence = "Engine API, DNS",
    .fix = "fix the name",
    .rationale = "The name given as the target matches no container the engine knows and does not resolve "
        "as a host name. A typo, a compose project prefix (project-service-1) or a container that "
        "was removed are the usual reasons. docker ps -a shows the names that exist.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || peer->kind != PeerHostKind::name || peer->target || peer_name_resolves(*peer)) return result;
    const PeerFacts& p = *peer;

    Finding finding = new_finding(kCause);
    finding.port = PortKey{p.query.port, Proto::tcp};
    finding.title = fmt::format("{} names no container, alias or service, and it does not resolve inside {}", p.query.host,
                                container_ref(f));
    finding.evidence.push_back(fmt::format("Engine API: {}", p.target.error().message));
    finding.evidence.push_back(dns_evidence(p));
    finding.evidence.push_back(probe_evidence(p));
    finding.fix.push_back("check the name: docker ps -a --format '{{.Names}}'");
    finding.fix.push_back("list the aliases of a network: docker network inspect NETWORK");
    finding.fix.push_back("start the target, or use its service name or container name");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_not_found() {
    static const Check check{
        .cause = kCause,
        // A name that does not resolve (dns-failure, default-bridge-no-dns) explains no failing
        // probe: the collector then probes the target's own address, which tests the path.
        .evidence = peer_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
