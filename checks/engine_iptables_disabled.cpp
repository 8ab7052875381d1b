// engine.iptables-disabled: dockerd runs with iptables=false, so it writes no DNAT and no
// forward rules for published ports.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "engine.iptables-disabled",
    .severity = Severity::critical,
    .summary = "daemon runs with iptables=false: no DNAT/forward rules are made",
    .evidence = "daemon.json, dockerd command line, no DOCKER chains",
    .fix = "enable iptables or write the rules",
    .rationale = "With \"iptables\": false in daemon.json (or --iptables=false) Docker creates no NAT, "
        "forward or masquerade rules. Published ports then work at most through docker-proxy from "
        "the host itself, and outside clients get nothing unless the administrator writes "
        "equivalent rules. Re-enabling it and restarting dockerd recreates the rules.",
};

std::string iptables_setting(const DaemonConfig& d) {
    for (const auto& arg : d.cmdline)
        if (arg.starts_with("--iptables")) return fmt::format("dockerd command line: {}", arg);
    if (!d.config_file.empty()) return fmt::format("{}: \"iptables\": false", d.config_file);
    return "dockerd: iptables = false";
}

void add_fix(Finding& finding) {
    finding.fix.push_back("remove \"iptables\": false from /etc/docker/daemon.json (or --iptables=false) and "
                          "restart dockerd");
    finding.fix.push_back("or write the DNAT and forward rules for each published port yourself");
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    // A rootless engine writes its rules inside rootlesskit's namespace: none on the host is expected.
    if (!c || !has_published_host_port(f) || engine_is_rootless(f)) return result;
    const std::string name = container_ref(f);

    if (f.host->daemon) {
        if (f.host->daemon->iptables.value_or(true)) return result;
        Finding finding = new_finding(kCause);
        finding.title = fmt::format("dockerd runs with iptables disabled: no DNAT or forward rules for {}", name);
        finding.evidence.push_back(iptables_setting(*f.host->daemon));
        for (PortKey p : ports_in_question(f))
            if (!bindings_of(*c, p).empty()) finding.evidence.push_back(bindings_evidence(*c, p));
        add_fix(finding);
        result.findings.push_back(std::move(finding));
        return result;
    }

    // The daemon's configuration is unknown: infer it from the absence of all of Docker's
    // nat chains in every ruleset (weaker: a flush also removes them).
    const auto& nft = f.host->nftables;
    const auto& legacy = f.host->iptables_legacy;
    if (!nft || !legacy) {
        result.undecided.push_back(unavailable_reason("host.daemon", f.host->daemon.error()));
        if (!nft) result.undecided.push_back(unavailable_reason("host.nftables", nft.error()));
        else result.undecided.push_back(unavailable_reason("host.iptables_legacy", legacy.error()));
        return result;
    }
    if (has_docker_nat_chains(*nft) || has_docker_nat_chains(*legacy)) return result;
    Finding finding = new_finding(kCause);
    finding.title = fmt::format("Docker's nat chains are missing while {} publishes ports: dockerd probably runs "
                                "with iptables disabled",
                                name);
    finding.evidence.push_back(fmt::format("daemon configuration unavailable ({}: {}): inferred, lower confidence",
                                           f.host->daemon.error().source, f.host->daemon.error().message));
    finding.evidence.push_back("no DOCKER chain in any nat table (nftables and iptables-legacy) and no "
                               "docker-bridges table");
    for (PortKey p : ports_in_question(f))
        if (!bindings_of(*c, p).empty()) finding.evidence.push_back(bindings_evidence(*c, p));
    add_fix(finding);
    finding.fix.push_back("if iptables is enabled, the rules were flushed: restart dockerd (see netfilter.dnat-missing)");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& engine_iptables_disabled() {
    static const Check check{
        .cause = kCause,
        .evidence = published_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
