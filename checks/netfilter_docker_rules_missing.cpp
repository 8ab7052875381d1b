// netfilter.docker-rules-missing: the engine runs with iptables on, yet its chains or the
// container's DNAT are gone (a `flush ruleset`, a firewall reload). Named whatever still
// listens on the port: docker-proxy answers the host's own input path only, and a host
// firewall there decides what the DNAT used to bypass.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "docker_rules_gone.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.docker-rules-missing",
    .severity = Severity::critical,
    .summary = "the engine runs with iptables on, yet its nat/filter chains or the container's DNAT are gone (flush, firewall "
        "reload); a warning while docker-proxy still serves the client in question",
    .evidence = "Docker's chains and rules, the nftables service config, firewalld state",
    .fix = "restart the engine; keep the flush from wiping Docker's tables",
    .rationale = "Docker writes its chains at start-up and a DNAT rule per published port when a container "
        "starts, then never checks them again. Loading a ruleset file that begins with flush ruleset "
        "(Debian's /etc/nftables.conf, run by every systemctl restart nftables) or a firewall "
        "reload removes them while dockerd and its containers keep running. docker-proxy may still "
        "listen on the port, but packets from other hosts then reach it through the input hook, "
        "where a host firewall that Docker's DNAT used to bypass drops them. Restarting the engine "
        "writes everything again; the lasting fix is a ruleset file that flushes only its own "
        "tables, or a boot order that loads it before the engine.",
};

// What removed the rules, when a service that loads a whole ruleset is visible.
void add_culprits(const Facts& f, Finding& finding) {
    const auto& services = f.host->ruleset_services;
    if (!services) {
        finding.evidence.push_back(unavailable_reason("host.ruleset_services", services.error()));
        return;
    }
    bool named = false;
    if (services->nftables_conf_flushes) {
        named = true;
        const std::string enabled = services->nftables_enabled_by.empty()
                                        ? "nftables.service not enabled at boot; a manual `nft -f` or "
                                          "`systemctl restart nftables` loads it too"
                                        : "nftables.service enabled: " + services->nftables_enabled_by;
        finding.evidence.push_back(fmt::format("{} starts by `flush ruleset`, which removes every table, Docker's "
                                               "too ({})",
                                               services->nftables_conf, enabled));
        finding.fix.push_back(fmt::format(
            "keep the flush from wiping Docker's tables: in {} replace `flush ruleset` with flushing only the tables "
            "that file defines (`table inet filter` then `flush table inet filter`, or `destroy table inet filter` "
            "with nft >= 1.0.8), or order nftables.service before docker.service (`systemctl edit docker.service`: "
            "[Unit] After=nftables.service), so a boot loads it first",
            services->nftables_conf));
    }
    if (!services->firewalld_running.empty()) {
        named = true;
        finding.evidence.push_back(fmt::format("firewalld runs ({}): `firewall-cmd --reload` empties the iptables nat "
                                               "and filter tables, Docker's chains with them",
                                               services->firewalld_running));
        finding.fix.push_back("after `firewall-cmd --reload`, restart the engine; put Docker's bridges in firewalld's "
                              "`docker` zone instead of reloading rules around them");
    }
    if (!named)
        finding.fix.push_back("find what removed them (no nftables service flushing the ruleset and no firewalld "
                              "seen): a script running `nft flush ruleset`, `iptables -F`/`-X`, or iptables-restore "
                              "without --noflush; make it leave Docker's tables and chains alone");
}

Finding finding_for(const Facts& f, const DockerRulesGone& gone, PortKey p, const HostBinding& b) {
    Finding finding = new_finding(kCause);
    finding.port = p;
    const std::string what = gone.missing_chains.empty()
                                 ? fmt::format("Docker's DNAT rule for {}", describe(b))
                                 : "Docker's nat/filter chains";
    finding.title = fmt::format("{} gone while dockerd runs with iptables on: nothing takes {} to {} port {}",
                                gone.missing_chains.empty() ? what + " is" : what + " are", describe(b),
                                container_ref(f), p.str());
    lower_while_still_served(f, p, b, finding);
    add_rules_gone_evidence(f, gone, p, b, finding);
    finding.fix.push_back(restart_engine_fix());
    add_culprits(f, finding);
    return finding;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!container_to_judge(f, result.undecided)) return result;
    const auto gone = docker_rules_gone(f, result.undecided);
    if (!gone) return result;
    for (const BindingWithoutDnat& unserved : unserved_bindings(f, *gone))
        result.findings.push_back(finding_for(f, *gone, unserved.port, unserved.binding));
    return result;
}

}  // namespace

const Check& netfilter_docker_rules_missing() {
    static const Check check{
        .cause = kCause,
        .evidence = published_path_rule(kDockerProxyNote),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
