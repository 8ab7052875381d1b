// firewall.firewalld-zone: firewalld refuses the container's traffic, named as firewalld names
// it: the zone a Docker bridge is in (or the default zone, for a bridge in none), a rich rule,
// a policy, or StrictForwardPorts; with the firewall-cmd commands that let it through.
#include <set>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/firewalld.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "evidence_rules.hpp"
#include "firewalld_terms.hpp"
#include "path_drop_finding.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "firewall.firewalld-zone",
    .severity = Severity::critical,
    .summary = "firewalld refuses the traffic: a bridge in the default or another refusing zone, a rich rule, "
               "a policy, or StrictForwardPorts",
    .evidence = "firewalld over D-Bus (zones, interface bindings, policies, settings) or its config XML, "
                "inet firewalld table",
    .fix = "put the bridge in the docker zone (firewall-cmd --zone=docker --change-interface=BR)",
    .rationale = "firewalld filters per zone, and an interface bound to no zone falls into the default zone, "
        "which refuses forwarded traffic. dockerd puts its bridges in a docker zone (and, since 27, adds the "
        "docker-forwarding policy) only when it reaches firewalld over D-Bus at start, and only at runtime: a "
        "bridge made while firewalld was down, or bound to another zone, stays refused. Published ports pass "
        "through firewalld's `ct status dnat accept`, unless firewalld 2.3's StrictForwardPorts=yes removes it. "
        "A change made with nft in firewalld's table lasts until its next reload, so the fix is a firewall-cmd "
        "command, made at runtime and permanent at once (a reload would flush Docker's iptables rules).",
};

constexpr std::string_view kDockerZone = "docker";

std::optional<ManagerTerms> terms(const HostNetwork& host, const PathResult& denied) {
    auto decision = firewalld_decision(host, denied);
    if (!decision) return std::nullopt;
    return ManagerTerms{std::move(decision->what), std::move(decision->evidence)};
}

std::vector<std::string> fix(const Facts& f, const PathResult& denied) { return firewalld_fixes(f.host, denied); }

// Whether traffic forwarded out of zone's interfaces is let through: Docker's policy (or
// another with that zone, or ANY, as egress and target ACCEPT), or an accepting zone target
// (which lets the zone's own ingress traffic through).
bool zone_lets_forwarded_through(const FirewalldState& s, const std::string& zone) {
    if (const FirewalldZone* z = find_zone(s, zone); z != nullptr && z->rules.target == "ACCEPT") return true;
    for (const FirewalldPolicy& p : s.policies) {
        if (p.rules.target != "ACCEPT") continue;
        for (const std::string& egress : p.egress_zones)
            if (egress == zone || egress == "ANY") return true;
    }
    return false;
}

// The container's bridges that firewalld, read at runtime, leaves in a zone refusing their
// forwarded traffic: routed access to the container and its own connections out are refused,
// while its published ports still pass (firewalld accepts DNAT'd traffic).
void bridge_zone_findings(const Facts& f, const Container& c, const std::set<std::string>& reported,
                          CheckResult& result) {
    // --to asks about another path: the source's own bridge is not in question.
    if (!f.host->firewalld || !f.networks || f.query.to) return;
    const FirewalldState& s = *f.host->firewalld;
    if (s.source != FirewalldSource::runtime) return;
    for (const NetworkAttachment& a : c.networks)
        for (const NetworkInfo& n : *f.networks) {
            if ((n.id != a.network_id && n.name != a.network) || n.driver != "bridge") continue;
            const std::string bridge = bridge_device(n);
            if (reported.contains(bridge) || !s.interface_zones.contains(bridge)) continue;
            const auto zone = effective_zone_of(s, bridge);
            if (!zone || zone_lets_forwarded_through(s, *zone)) continue;
            const bool unbound = s.interface_zones.at(bridge).empty();
            Finding finding = new_finding(kCause);
            finding.severity = Severity::warning;
            finding.title = fmt::format("firewalld keeps {} (network {}) in zone {}{}: traffic routed to {} and its own "
                                        "connections out are refused; published ports pass only through firewalld's "
                                        "acceptance of DNAT'd traffic",
                                        bridge, n.name, *zone, unbound ? " (it is in no zone: the default zone)" : "",
                                        container_ref(f));
            finding.evidence.push_back(fmt::format("firewalld {} (runtime, over D-Bus at {}): {} is {}", s.version,
                                                   s.bus_address, bridge,
                                                   unbound ? "in no zone" : fmt::format("in zone {}", *zone)));
            if (const FirewalldZone* z = find_zone(s, *zone))
                for (const std::string& line : describe_rules(z->rules))
                    finding.evidence.push_back(fmt::format("firewalld zone {}: {}", *zone, line));
            finding.evidence.push_back(fmt::format("no active policy with target ACCEPT has zone {} (or ANY) as egress",
                                                   *zone));
            if (find_zone(s, kDockerZone) != nullptr)
                finding.fix.push_back(fix_running(
                    fmt::format("put {} in Docker's zone, as dockerd does when it reaches firewalld at start", bridge),
                    fmt::format("firewall-cmd --zone=docker --change-interface={0} && firewall-cmd --permanent "
                                "--zone=docker --change-interface={0}",
                                bridge)));
            finding.fix.push_back("or restart the engine with firewalld running (firewalld before docker.service): "
                                  "dockerd then makes the docker zone and policy and puts its bridges in it");
            result.findings.push_back(std::move(finding));
        }
}

CheckResult run(const Facts& f) {
    PathDropSpec spec{kCause, "", fix};
    spec.terms = terms;
    spec.manager = FirewallManager::firewalld;
    CheckResult result = path_drop_findings(f, spec);
    if (!f.container) return result;
    // A bridge already named by a refused packet is not reported again.
    std::set<std::string> reported;
    if (f.paths)
        for (const PathResult& path : *f.paths)
            if (is_denied(path) && manager_deciding(f.host, path) == FirewallManager::firewalld)
                reported.insert(path.out_interface);
    bridge_zone_findings(f, *f.container, reported, result);
    return result;
}

}  // namespace

const Check& firewall_firewalld_zone() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = kForwardNote,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
