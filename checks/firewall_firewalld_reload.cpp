// firewall.firewalld-reload: firewalld runs, and Docker's chains or a container's DNAT are
// gone: `firewall-cmd --reload` empties the iptables nat and filter tables, Docker's chains
// with them, whatever firewalld's own backend.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docker_rules_gone.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "firewall.firewalld-reload",
    .severity = Severity::critical,
    .summary = "firewalld runs and Docker's chains or DNAT rules are gone: a firewalld reload removed them",
    .evidence = "firewalld's pid file or process, Docker's chains and DNAT rules, dockerd's iptables setting",
    .fix = "restart the engine; start firewalld before it, so it puts its rules back after a reload",
    .rationale = "firewall-cmd --reload, and a restart of firewalld, empties the iptables nat and filter tables "
        "before loading firewalld's own rules, even with its nftables backend, and Docker's chains and DNAT "
        "rules go with them. dockerd writes them again after a reload only when it reached firewalld over "
        "D-Bus when it started; otherwise published ports stay dead until the engine restarts. Restarting "
        "the engine writes them again, and starting firewalld before it keeps the next reload harmless.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!container_to_judge(f, result.undecided)) return result;
    const auto gone = docker_rules_gone(f, result.undecided);
    if (!gone) return result;
    const auto& services = f.host->ruleset_services;
    if (!services) {
        result.undecided.push_back(unavailable_reason("host.ruleset_services", services.error()));
        return result;
    }
    if (services->firewalld_running.empty()) return result;
    for (const BindingWithoutDnat& unserved : unserved_bindings(f, *gone)) {
        const PortKey p = unserved.port;
        const HostBinding& b = unserved.binding;
        Finding finding = new_finding(kCause);
        finding.port = p;
        finding.title = fmt::format("firewalld runs and Docker's {} gone: a firewalld reload removed them, and "
                                    "nothing takes {} to {} port {}",
                                    gone->missing_chains.empty() ? "DNAT rule is" : "nat/filter chains are",
                                    describe(b), container_ref(f), p.str());
        lower_while_still_served(f, p, b, finding);
        finding.evidence.push_back(fmt::format("firewalld runs ({}): `firewall-cmd --reload` empties the iptables nat "
                                               "and filter tables, whatever firewalld's own backend",
                                               services->firewalld_running));
        add_rules_gone_evidence(f, *gone, p, b, finding);
        finding.fix.push_back(restart_engine_fix());
        finding.fix.push_back("start firewalld before the engine (`systemctl edit docker.service`: [Unit] "
                              "After=firewalld.service Wants=firewalld.service), so dockerd reaches it over D-Bus and "
                              "writes its rules again after each reload");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& firewall_firewalld_reload() {
    static const Check check{
        .cause = kCause,
        .evidence = published_path_rule(kDockerProxyNote),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
