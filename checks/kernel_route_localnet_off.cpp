// kernel.route-localnet-off: without the userland proxy, a connection to 127.0.0.1:PORT is
// DNAT'd to the container, and the kernel refuses to route a 127/8 source off the loopback
// unless route_localnet is on for the bridge.
#include <optional>
#include <set>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "unknown_paths.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "kernel.route-localnet-off",
    .severity = Severity::critical,
    .summary = "userland-proxy=false and access via 127.0.0.1 without route_localnet",
    .evidence = "the evaluated loopback path: DNAT in output, route_localnet on the bridge, the hairpin masquerade",
    .fix = "enable userland-proxy or route_localnet",
    .rationale = "With userland-proxy=false, a connection to 127.0.0.1:HOSTPORT must be DNATed in the OUTPUT "
        "chain to the container address. The kernel refuses to route packets with a 127.0.0.0/8 "
        "source out of a non-loopback interface unless route_localnet is 1 on it, and the container "
        "drops a 127/8 source unless Docker's masquerade rewrote it, so such connections fail. "
        "Enabling the userland proxy, or route_localnet on the bridge (and Docker's masquerade, "
        "which a restart of the engine writes again), gives them a path.",
};

std::string userland_proxy_evidence(const DaemonConfig& d) {
    for (const auto& arg : d.cmdline)
        if (arg.starts_with("--userland-proxy")) return fmt::format("dockerd command line: {}", arg);
    if (!d.config_file.empty()) return fmt::format("{}: \"userland-proxy\": false", d.config_file);
    return "dockerd: userland-proxy = false";
}

// Where the evaluator stopped the DNAT'd loopback connection (path_eval.cpp): the route
// lookup after DNAT refused the 127/8 source, or the source left unmasqueraded.
enum class LoopbackStop { martian_source, not_masqueraded };

std::optional<LoopbackStop> loopback_stop(const PathResult& path) {
    if (!is_denied(path)) return std::nullopt;
    for (const PathStep& step : path.steps) {
        if (step.hook != path.decided_hook || step.where != "routing") continue;
        if (step.rule == "martian source") return LoopbackStop::martian_source;
        if (step.rule == "loopback source not masqueraded") return LoopbackStop::not_masqueraded;
    }
    return std::nullopt;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    // Only a client on the loopback sends from 127/8.
    if (!f.query.from || !is_loopback_address(*f.query.from)) return result;
    const auto judged = paths_to_judge(f, result.undecided);
    if (!judged) return result;
    std::set<std::optional<PortKey>> reported;
    for (const PathResult& path : *judged.paths) {
        const auto stop = loopback_stop(path);
        if (!stop) continue;
        const auto port = container_port_of(*judged.container, path);
        if (!reported.insert(port).second) continue;
        const std::string& bridge = path.out_interface;
        Finding finding = new_finding(kCause);
        finding.port = port;
        finding.title = *stop == LoopbackStop::martian_source
                            ? fmt::format("{} cannot reach {}: without the userland proxy the connection is DNAT'd "
                                          "to it, and route_localnet is off on {}",
                                          *f.query.from, container_ref(f), bridge)
                            : fmt::format("{} cannot reach {}: without the userland proxy the connection is DNAT'd "
                                          "to it, and its 127/8 source is not masqueraded into {}",
                                          *f.query.from, container_ref(f), bridge);
        finding.evidence.push_back("decided by: " + path.decided_by);
        finding.evidence.push_back(fmt::format("packet: {}, after DNAT -> {}", describe_packet(path.packet),
                                               format_endpoint(path.final_packet.daddr, path.final_packet.dport)));
        if (f.host->daemon && !f.host->daemon->userland_proxy.value_or(true))
            finding.evidence.push_back(userland_proxy_evidence(*f.host->daemon));
        if (f.host->sysctls)
            if (auto all = f.host->sysctls->find("net.ipv4.conf.all.route_localnet"); all != f.host->sysctls->end())
                finding.evidence.push_back("net.ipv4.conf.all.route_localnet = " + all->second);
        if (*stop == LoopbackStop::martian_source)
            finding.fix.push_back(fmt::format("let 127/8 sources out through {} again (Docker sets it when it starts "
                                              "without the proxy); run: sysctl -w net.ipv4.conf.{}.route_localnet=1",
                                              bridge, bridge));
        else
            finding.fix.push_back(fmt::format("restart the engine: it writes its masquerade for local sources into {} "
                                              "again (-o {} -m addrtype --src-type LOCAL -j MASQUERADE)",
                                              bridge, bridge));
        finding.fix.push_back("or connect to the host's own non-loopback address, or to the container's address");
        finding.fix.push_back("or enable the userland proxy again: \"userland-proxy\": true in /etc/docker/daemon.json, "
                              "then restart the engine");
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& kernel_route_localnet_off() {
    static const Check check{
        .cause = kCause,
        .evidence = published_path_rule(),
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
