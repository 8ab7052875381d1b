// netfilter.direct-routing-blocked: a client that routes to the container's own address is
// dropped by Docker's raw-table rule (Docker 28+), whatever the rest of the ruleset allows.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "path_drop_finding.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.direct-routing-blocked",
    .severity = Severity::critical,
    .summary = "a client routing to the container's own address is dropped by Docker 28's raw-table rule",
    .evidence = "raw PREROUTING -d CONTAINER ! -i BRIDGE -j DROP, gateway mode",
    .fix = "publish the port, or gateway mode nat-unprotected/routed, or --allow-direct-routing",
    .rationale = "Since Docker 28, a bridge network in the default gateway mode \"nat\" accepts packets for a "
        "container's address only from its own bridge: a raw PREROUTING rule drops them on every other "
        "interface, so a host on the LAN with a route to the container's subnet is refused although the "
        "filter rules would let it in (Docker 20.10 to 27 let it through). Clients are meant to use the "
        "published host port. A network created with gateway mode nat-unprotected (every port) or routed "
        "(published ports, no NAT), or the daemon's allow-direct-routing, makes Docker leave the rule out.",
};

constexpr std::string_view kGatewayModeOption4 = "com.docker.network.bridge.gateway_mode_ipv4";
constexpr std::string_view kGatewayModeOption6 = "com.docker.network.bridge.gateway_mode_ipv6";

bool takes(const Facts& f, const PathResult& denied) {
    return prerouting_drop_origin(f, denied) == PreroutingDropOrigin::docker_direct_access;
}

// The network the packet's destination address is on, when the engine named it.
const NetworkInfo* network_of_address(const Facts& f, const PathResult& denied) {
    if (!f.container || !f.networks) return nullptr;
    const NetworkAttachment* a = attachment_with_address(*f.container, denied.packet.daddr);
    if (a == nullptr) return nullptr;
    for (const NetworkInfo& n : *f.networks)
        if (n.id == a->network_id || n.name == a->network) return &n;
    return nullptr;
}

std::vector<std::string> rule_evidence(const Facts& f, const PathResult& denied) {
    std::vector<std::string> out;
    if (f.engine && !f.engine->server_version.empty())
        out.push_back(fmt::format("engine: Docker {}", f.engine->server_version));
    const std::string_view option = denied.packet.family == 6 ? kGatewayModeOption6 : kGatewayModeOption4;
    if (const NetworkInfo* n = network_of_address(f, denied)) {
        const auto mode = n->options.find(std::string(option));
        const std::string setting = mode == n->options.end() ? fmt::format("nat ({} not set: the default)", option)
                                                             : fmt::format("{} ({})", mode->second, option);
        out.push_back(fmt::format("network {} ({}): gateway mode {}, in which Docker 28 and later drop routed "
                                  "access to container addresses",
                                  n->name, bridge_device(*n), setting));
    }
    return out;
}

std::vector<std::string> direct_routing_fix(const Facts& f, const PathResult& denied) {
    std::vector<std::string> fix;
    const auto port = f.container ? container_port_of(*f.container, denied) : std::nullopt;
    std::vector<HostBinding> published;
    if (port && f.container)
        for (const HostBinding& b : bindings_of(*f.container, *port))
            if (b.host_port != 0 && !is_loopback_address(b.host_ip)) published.push_back(b);
    if (!published.empty())
        fix.push_back(fmt::format("connect to the published port instead ({}): Docker leaves that path open to "
                                  "other hosts",
                                  describe(published)));
    else if (port)
        fix.push_back(fmt::format("publish the port ({}) and connect to the host's address and that port",
                                  publish_flag(*port, port->port)));
    const std::string option(denied.packet.family == 6 ? kGatewayModeOption6 : kGatewayModeOption4);
    fix.push_back(fmt::format("or attach {} to a network that accepts routed clients (the gateway mode is set when "
                              "a network is created); run: docker network create {}-o {}=nat-unprotected NET && "
                              "docker network connect NET {} (routed instead of nat-unprotected: no NAT, published "
                              "ports only)",
                              container_ref(f), denied.packet.family == 6 ? "--ipv6 " : "", option, container_ref(f)));
    fix.push_back("or let every bridge network accept routed clients: \"allow-direct-routing\": true in "
                  "daemon.json (dockerd --allow-direct-routing), then restart the engine");
    return fix;
}

CheckResult run(const Facts& f) {
    // Docker's rule is for packets to container addresses: only --direct sends one.
    if (!f.query.direct) return {};
    // Sharing another container's network stack, it has no address of its own to ask about.
    if (f.container && f.container->network_mode.starts_with("container:")) {
        CheckResult result;
        result.undecided.push_back(fmt::format("--direct needs the container's own address: network mode {} shares "
                                               "that container's (ask about it instead)",
                                               f.container->network_mode));
        return result;
    }
    return path_drop_findings(f, {kCause, "prerouting", direct_routing_fix, takes, rule_evidence});
}

}  // namespace

const Check& netfilter_direct_routing_blocked() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = "probes from this host do not arrive on another interface, which is all this rule drops; "
                         "only a routed client shows it",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
