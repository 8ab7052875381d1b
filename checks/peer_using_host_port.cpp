// peer.using-host-port: --to uses the target's published host port; between containers the
// container port is what listens (the host port exists only on the host's addresses).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.using-host-port",
    .severity = Severity::critical,
    .summary = "connecting to the published host port instead of the container port between containers",
    .evidence = "--to port equals a HostPort, not a container port",
    .fix = "use the container port (db:5432)",
    .rationale = "Between containers on a shared network, traffic goes straight to the other container's "
        "address, where the app listens on its container port. The published host port exists "
        "only on the host's addresses, so db:15432 is refused when -p 15432:5432 was used. Use the "
        "service name with the container port.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || !peer->target || !peer_port_is_host_port_only(*peer)) return result;
    const Container& target = *peer->target;

    Finding finding = new_finding(kCause);
    finding.port = PortKey{peer->query.port, Proto::tcp};
    std::vector<PortKey> container_ports;
    for (const auto& [port, bindings] : target.state.running ? target.ports : target.port_bindings)
        for (const auto& b : bindings)
            if (port.proto == Proto::tcp && b.host_port == peer->query.port && std::find(container_ports.begin(), container_ports.end(), port) == container_ports.end()) {
                container_ports.push_back(port);
                finding.evidence.push_back(bindings_evidence(target, port));
            }
    const PortKey container_port = container_ports.front();
    finding.title = fmt::format("{} is the host port published for {} of {}; from another container use {}:{}",
                                peer->query.port, container_port.str(), target.name, peer->query.host, container_port.port);
    if (peer->target_listeners)
        for (const auto& l : listeners_on(*peer->target_listeners, container_port))
            finding.evidence.push_back(fmt::format("inside {}: {}", target.name, describe(l)));
    finding.evidence.push_back(probe_evidence(*peer));
    finding.fix.push_back(fmt::format("connect to {}:{} (the container port)", peer->query.host, container_port.port));
    finding.fix.push_back("the published port is for clients outside Docker; containers talk over the shared network");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_using_host_port() {
    static const Check check{
        .cause = kCause,
        .evidence = peer_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
