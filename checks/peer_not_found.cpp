// peer.not-found: --to names no container, and the name does not resolve inside the source.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/model/causes.hpp"
#include "peer_common.hpp"

namespace dnd::checks {

CheckResult peer_not_found(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || peer->kind != PeerHostKind::name || peer->target || peer_name_resolves(*peer)) return result;
    const PeerFacts& p = *peer;

    Finding finding = new_finding("peer.not-found");
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

}  // namespace dnd::checks
