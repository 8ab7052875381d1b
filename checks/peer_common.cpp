// Shared by the peer.* checks; see peer_common.hpp.
#include "peer_common.hpp"

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"

namespace dnd::checks {

const PeerFacts* peer_to_judge(const Facts& f, std::vector<std::string>& undecided) {
    if (!f.peer) return nullptr;
    if (!f.container) {
        undecided.push_back(unavailable_reason("the source container", f.container.error()));
        return nullptr;
    }
    return &*f.peer;
}

bool peer_name_resolves(const PeerFacts& p) {
    if (p.hosts && !hosts_lookup(*p.hosts, p.query.host).empty()) return true;
    return p.dns && p.dns->rcode == 0 && !p.dns->addresses.empty();
}

bool peer_dns_failed(const PeerFacts& p) {
    if (peer_name_resolves(p)) return false;
    if (p.dns) return true;
    return !p.dns.error().message.starts_with("not asked") && p.dns.error().message != "not collected";
}

bool on_default_bridge(const Container& c) {
    for (const auto& n : c.networks)
        if (n.network == "bridge") return true;
    return false;
}

std::string networks_evidence(const Container& c) {
    std::vector<std::string> names;
    for (const auto& n : c.networks)
        names.push_back(n.ip_address.empty() ? n.network : fmt::format("{} ({})", n.network, n.ip_address));
    return fmt::format("NetworkSettings.Networks of {} = [{}]", c.name, fmt::join(names, ", "));
}

std::string dns_evidence(const PeerFacts& p) {
    if (!p.dns) return fmt::format("DNS query for {} inside the source: {}", p.query.host, p.dns.error().message);
    const auto& a = *p.dns;
    if (a.addresses.empty())
        return fmt::format("nameserver {} (the source's resolv.conf) answered {} with no address for {}", a.server,
                           rcode_name(a.rcode), a.name);
    return fmt::format("nameserver {} (the source's resolv.conf) answered {} -> {}", a.server, a.name,
                       fmt::join(a.addresses, ", "));
}

std::string probe_evidence(const PeerFacts& p) {
    if (!p.probe) return fmt::format("probe from the source: {}", p.probe.error().message);
    const auto& o = *p.probe;
    return fmt::format("probe {} to {}:{}/tcp (address from {}): {} in {:.1f} ms ({})", o.target.vantage, o.target.address,
                       o.target.port, p.probe_address_from, to_string(o.outcome), o.latency_ms, o.detail);
}

std::string target_ref(const PeerFacts& p) { return p.target ? peer_container_ref(*p.target) : p.query.host; }

void append_target_findings(CheckResult& result, const Facts& f, CheckResult (*run)(const Facts&), bool judges_the_port) {
    if (!f.peer) return;
    if (judges_the_port && peer_port_is_host_port_only(*f.peer)) return;
    auto view = target_view(f);
    if (!view) return;
    CheckResult on_target = run(*view);
    const std::string who = target_ref(*f.peer);
    for (auto& finding : on_target.findings) {
        finding.title = fmt::format("target of --to {}: {}", f.peer->query.spec, finding.title);
        result.findings.push_back(std::move(finding));
    }
    for (auto& why : on_target.undecided) result.undecided.push_back(fmt::format("target {}: {}", who, why));
}

}  // namespace dnd::checks
