// peer.different-networks: source and target share no network, so no address of one is
// reachable from the other (Docker isolates bridge networks from each other).
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/peer.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "peer.different-networks",
    .severity = Severity::critical,
    .summary = "source and target share no network",
    .evidence = "NetworkSettings.Networks of both",
    .fix = "docker network connect",
    .rationale = "Containers reach each other directly only through a network they are both attached to; "
        "Docker isolates separate bridge networks from each other with netfilter rules. Without a "
        "shared network the packets are dropped or have no route. docker network connect adds the "
        "missing attachment without recreating either container.",
};


std::string project_of(const Container& c) {
    auto it = c.labels.find(kComposeProjectLabel);
    return it == c.labels.end() ? std::string() : it->second;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const PeerFacts* peer = peer_to_judge(f, result.undecided);
    if (!peer || !peer->target || peer->kind == PeerHostKind::loopback) return result;
    const Container& source = *f.container;
    const Container& target = *peer->target;
    if (!has_own_network_stack(source) || !has_own_network_stack(target)) return result;
    if (!shared_network_names(source, target).empty()) return result;

    Finding finding = new_finding(kCause);
    finding.port = PortKey{peer->query.port, Proto::tcp};
    finding.title = fmt::format("{} and {} share no network", source.name, target_ref(*peer));
    finding.evidence.push_back(networks_evidence(source));
    finding.evidence.push_back(networks_evidence(target));
    const std::string source_project = project_of(source);
    const std::string target_project = project_of(target);
    if (!source_project.empty() && !target_project.empty() && source_project != target_project) {
        finding.evidence.push_back(fmt::format(
            "compose projects differ: {} is in project {}, {} in project {}; each project gets its own default network",
            source.name, source_project, target.name, target_project));
        finding.fix.push_back(fmt::format(
            "declare one shared network in both compose files (networks: shared: external: true) and attach both services"));
    }
    if (peer->kind == PeerHostKind::name) finding.evidence.push_back(dns_evidence(*peer));
    finding.evidence.push_back(probe_evidence(*peer));
    if (!target.networks.empty())
        finding.fix.push_back(fmt::format("docker network connect {} {}", target.networks.front().network, source.name));
    finding.fix.push_back("or run both on one user-defined network: docker network create NET; docker run --network NET ...");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& peer_different_networks() {
    static const Check check{
        .cause = kCause,
        .evidence = peer_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
