// kernel.route-localnet-off: without the userland proxy, a connection to 127.0.0.1:PORT is
// DNAT'd to the container, and the kernel refuses to route a 127/8 source off the loopback
// unless route_localnet is on for the bridge.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "kernel.route-localnet-off",
    .severity = Severity::critical,
    .summary = "userland-proxy=false and access via 127.0.0.1 without route_localnet",
    .evidence = "daemon config, no docker-proxy, route_localnet on the bridge",
    .fix = "enable userland-proxy or route_localnet",
    .rationale = "With userland-proxy=false, a connection to 127.0.0.1:HOSTPORT must be DNATed in the OUTPUT "
        "chain to the container address. The kernel refuses to route packets with a 127.0.0.0/8 "
        "source out of a non-loopback interface unless route_localnet is 1 on it, so such "
        "connections fail. Enabling the userland proxy, or route_localnet on the bridge, gives "
        "them a path.",
};

// The bridge of an attachment; without the network's inspect, from its name and id alone.
std::string bridge_interface(const NetworkAttachment& a, const std::vector<NetworkInfo>* networks) {
    if (networks)
        for (const NetworkInfo& n : *networks)
            if (n.id == a.network_id || n.name == a.network) return bridge_device(n);
    NetworkInfo known;
    known.id = a.network_id;
    known.name = a.network;
    return bridge_device(known);
}

std::string userland_proxy_evidence(const DaemonConfig& d) {
    for (const auto& arg : d.cmdline)
        if (arg.starts_with("--userland-proxy")) return fmt::format("dockerd command line: {}", arg);
    if (!d.config_file.empty()) return fmt::format("{}: \"userland-proxy\": false", d.config_file);
    return "dockerd: userland-proxy = false";
}

CheckResult run(const Facts& f) {
    CheckResult result;
    // Only a client on the loopback is affected.
    if (!f.query.from || !is_loopback_address(*f.query.from)) return result;
    const Container* c = container_to_judge(f, result.undecided);
    if (!c || !has_published_host_port(f)) return result;
    if (!f.host->daemon) {
        result.undecided.push_back(unavailable_reason("host.daemon", f.host->daemon.error()));
        return result;
    }
    if (f.host->daemon->userland_proxy.value_or(true)) return result;
    if (!f.host->sysctls) {
        result.undecided.push_back(unavailable_reason("host.sysctls", f.host->sysctls.error()));
        return result;
    }
    const auto& sysctls = *f.host->sysctls;
    // The kernel ORs conf/all and conf/<dev> for route_localnet.
    const auto all = sysctls.find("net.ipv4.conf.all.route_localnet");
    if (all != sysctls.end() && all->second != "0") return result;

    const std::vector<NetworkInfo>* networks = f.networks ? &*f.networks : nullptr;
    std::vector<std::string> off;
    for (const NetworkAttachment& a : c->networks) {
        const std::string key = "net.ipv4.conf." + bridge_interface(a, networks) + ".route_localnet";
        auto it = sysctls.find(key);
        if (it == sysctls.end()) {
            result.undecided.push_back(fmt::format("needs {} (not among the sysctls read)", key));
            return result;
        }
        if (it->second == "0") off.push_back(key + " = 0");
    }
    if (off.empty()) return result;

    Finding finding = new_finding(kCause);
    const auto ports = ports_in_question(f);
    if (ports.size() == 1) finding.port = ports.front();
    finding.title = fmt::format("{} is published without the userland proxy and route_localnet is off: "
                                "{} cannot reach it",
                                container_ref(f), *f.query.from);
    finding.evidence.push_back(userland_proxy_evidence(*f.host->daemon));
    for (const auto& line : off) finding.evidence.push_back(line);
    finding.evidence.push_back(all == sysctls.end() ? "net.ipv4.conf.all.route_localnet not read"
                                                    : "net.ipv4.conf.all.route_localnet = 0");
    finding.evidence.push_back(fmt::format("client: --from {} (loopback)", *f.query.from));
    finding.fix.push_back("connect to the host's own non-loopback address, or to the container's address");
    finding.fix.push_back("enable the userland proxy again: \"userland-proxy\": true in /etc/docker/daemon.json");
    finding.fix.push_back(fmt::format("or sysctl -w {}=1 (Docker sets it when it can)",
                                      off.front().substr(0, off.front().find(' '))));
    result.findings.push_back(std::move(finding));
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
