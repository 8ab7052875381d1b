// peer.localhost: localhost/127.0.0.1 inside a container is that container, not the host
// and not another container.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.localhost",
    .severity = Severity::critical,
    .summary = "localhost inside a container is the container itself",
    .evidence = "--to localhost:P / 127.0.0.1",
    .fix = "use the service name or host-gateway",
    .rationale = "Each container has its own network namespace with its own loopback interface. localhost "
        "or 127.0.0.1 inside it reaches only processes in that same container, never the host or "
        "another container. Use the other container's name, or the host via host-gateway.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || peer->kind != PeerHostKind::loopback) return result;
    const Container& source = *f.container;
    // Sharing another netns (host, container:X) makes localhost that namespace: intended.
    if (!has_own_network_stack(source)) return result;
    const PortKey port{peer->query.port, Proto::tcp};
    if (f.container_listeners && !listeners_on(*f.container_listeners, port).empty()) return result;  // a sidecar in it answers

    Finding finding = new_finding(kCause);
    finding.port = port;
    finding.title = fmt::format("{} inside {} is {} itself, not another container or the host", peer->query.host,
                                source.name, source.name);
    finding.evidence.push_back(fmt::format("--to {}: a loopback address, resolved in {}'s own network namespace", peer->query.spec, source.name));
    if (f.container_listeners)
        finding.evidence.push_back(fmt::format("nothing listens on {} inside {}", port.str(), source.name));
    finding.evidence.push_back(probe_evidence(*peer));
    finding.fix.push_back(fmt::format("use the target's service or container name: --to db:{}", port.port));
    finding.fix.push_back("for a service on the host: --add-host host.docker.internal:host-gateway and host.docker.internal");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_localhost() {
    static const Check check{
        .cause = kCause,
        .evidence = peer_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
