// peer.host-gateway-missing: host.docker.internal exists on Linux only when the container
// was created with --add-host host.docker.internal:host-gateway (compose extra_hosts).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.host-gateway-missing",
    .severity = Severity::critical,
    .summary = "host.docker.internal is not defined on Linux without --add-host host.docker.internal:host-gateway",
    .evidence = "HostConfig.ExtraHosts, /etc/hosts in the container",
    .fix = "add the host-gateway mapping",
    .rationale = "Docker Desktop defines host.docker.internal automatically, but the Linux engine does "
        "not. Since Docker 20.10, --add-host host.docker.internal:host-gateway writes the bridge "
        "gateway address into the container's /etc/hosts. Without it the name does not resolve; "
        "the host service must also listen on that gateway address.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || peer->kind != PeerHostKind::host_gateway) return result;
    const Container& source = *f.container;
    const std::string& name = peer->query.host;
    const bool in_extra_hosts = std::any_of(source.extra_hosts.begin(), source.extra_hosts.end(), [&](const std::string& e) {
        return e.starts_with(name + ":") || e.starts_with(name + "=");
    });
    if (in_extra_hosts || peer_name_resolves(*peer)) return result;

    Finding finding = new_finding(kCause);
    finding.port = PortKey{peer->query.port, Proto::tcp};
    finding.title = fmt::format("{} is not defined inside {} (Linux needs --add-host {}:host-gateway)", name, source.name, name);
    finding.evidence.push_back(fmt::format("HostConfig.ExtraHosts of {} = [{}]", source.name, fmt::join(source.extra_hosts, ", ")));
    if (peer->hosts) finding.evidence.push_back(fmt::format("/etc/hosts of {} has no line for {}", source.name, name));
    else finding.evidence.push_back(fmt::format("/etc/hosts of {}: {}", source.name, peer->hosts.error().message));
    finding.evidence.push_back(dns_evidence(*peer));
    finding.evidence.push_back(probe_evidence(*peer));
    finding.fix.push_back(fmt::format("docker run --add-host {}:host-gateway ... (recreate {})", name, source.name));
    finding.fix.push_back(fmt::format("compose: extra_hosts: [\"{}:host-gateway\"]", name));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_host_gateway_missing() {
    static const Check check{
        .cause = kCause,
        .evidence = peer_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
