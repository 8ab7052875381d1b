// netfilter.dnat-missing: a published port with neither a DNAT rule nor a docker-proxy
// listener: nothing takes the packet to the container, where the engine is not known to run
// with iptables on (an engine that is and lost its rules is netfilter.docker-rules-missing).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "docker_rules_gone.hpp"
#include "evidence_rules.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.dnat-missing",
    .severity = Severity::critical,
    .summary = "no DNAT for the published port and no proxy path: Docker's rules were flushed (flush ruleset, firewall reload)",
    .evidence = "nat table DOCKER chain (or Docker's nft tables), docker-proxy listeners",
    .fix = "restart dockerd; stop flushing its tables",
    .rationale = "Docker writes its NAT rules once, when a container starts, and does not watch them. A "
        "firewall script that runs nft flush ruleset or iptables -F/-X, or a firewall service "
        "reload, removes them while the containers keep running. Restarting dockerd (or the "
        "containers) writes them again; the lasting fix is a firewall setup that leaves Docker's "
        "tables and chains alone.",
};

bool owned_by_docker_proxy(const Listener& l) {
    return std::ranges::any_of(l.owners, [](const SocketOwner& o) { return o.process == "docker-proxy"; });
}

// What Docker's nat chains look like now, as evidence of the flush.
std::string docker_chains_state(const nf::Ruleset& rs, std::string_view backend) {
    for (const nf::Table& t : rs.tables) {
        if (t.name == "docker-bridges") return fmt::format("{}: {} {} table present", backend, to_string(t.family), t.name);
        if (const nf::Chain* docker = t.find_chain("DOCKER"); docker != nullptr && t.name == "nat")
            return fmt::format("{}: {} nat DOCKER chain holds {} rules", backend, to_string(t.family), docker->rules.size());
    }
    return fmt::format("{}: no DOCKER nat chain, no docker-bridges table", backend);
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    if (!c || !has_live_process(*c) || !has_published_host_port(f)) return result;
    // Other causes own these situations: rootlesskit forwards ports itself; with
    // iptables=false no DNAT is expected (engine.iptables-disabled).
    if (engine_is_rootless(f)) return result;
    if (f.host->daemon && !f.host->daemon->iptables.value_or(true)) return result;

    const auto& nft = f.host->nftables;
    const auto& legacy = f.host->iptables_legacy;
    const std::string name = container_ref(f);
    // An engine with iptables on that lost its rules: netfilter.docker-rules-missing names it.
    std::vector<std::string> judged_there;
    const auto docker_rules = docker_rules_gone(f, judged_there);
    for (PortKey p : ports_in_question(f)) {
        for (const HostBinding& b : bindings_of(*c, p)) {
            if (b.host_port == 0) continue;
            if (docker_rules && lacks_dnat(*docker_rules, p, b)) continue;
            std::vector<DnatRuleRef> rules;
            if (nft) rules = dnat_rules_for(*nft, p.proto, b.host_port);
            if (legacy) std::ranges::move(dnat_rules_for(*legacy, p.proto, b.host_port), std::back_inserter(rules));
            if (std::ranges::any_of(rules, [](const DnatRuleRef& r) { return r.port_known; })) continue;
            if (!nft || !legacy) {
                const Error& e = !nft ? nft.error() : legacy.error();
                result.undecided.push_back(unavailable_reason(!nft ? "host.nftables" : "host.iptables_legacy", e));
                return result;
            }
            if (!rules.empty()) {
                result.undecided.push_back(fmt::format("cannot read the port condition of {}", rules.front().rule));
                return result;
            }
            if (!f.host_listeners) {
                result.undecided.push_back(unavailable_reason("host_listeners", f.host_listeners.error()));
                return result;
            }
            const auto on_port = listeners_on(*f.host_listeners, PortKey{b.host_port, p.proto});
            if (std::ranges::any_of(on_port, owned_by_docker_proxy)) continue;

            Finding finding = new_finding(kCause);
            finding.port = p;
            finding.title = fmt::format("no DNAT rule and no docker-proxy for {} -> {} port {}", describe(b), name, p.str());
            finding.evidence.push_back(bindings_evidence(*c, p));
            finding.evidence.push_back(fmt::format("no rule with {} dport {} and a dnat/DNAT action in nftables or "
                                                   "iptables-legacy",
                                                   to_string(p.proto), b.host_port));
            finding.evidence.push_back(docker_chains_state(*nft, "nftables"));
            finding.evidence.push_back(docker_chains_state(*legacy, "iptables-legacy"));
            if (on_port.empty())
                finding.evidence.push_back(fmt::format("nothing listens on {} port {} on the host (no docker-proxy)",
                                                       to_string(p.proto), b.host_port));
            for (const Listener& l : on_port) finding.evidence.push_back("on the host instead: " + describe(l));
            finding.fix.push_back("restart dockerd: it re-creates its chains and rules (systemctl restart docker)");
            finding.fix.push_back("find what removed them: `flush ruleset` in /etc/nftables.conf, a firewall "
                                  "reload or iptables-restore without --noflush");
            result.findings.push_back(std::move(finding));
        }
    }
    return result;
}

}  // namespace

const Check& netfilter_dnat_missing() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kPublished},
            .confirmed_when = {host_side_fails},
            .contradicted_when = {{{kPublished, kPassed}}},
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
