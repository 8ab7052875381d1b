// firewalld's names for a packet it decided (see firewalld_terms.hpp).
#include "firewalld_terms.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "docknetdoctor/model/firewalld.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "firewall_manager.hpp"

namespace dnd::checks {
namespace {

constexpr std::string_view kDockerZone = "docker";
constexpr std::string_view kDockerPolicy = "docker-forwarding";

// firewalld's state when something of it was read: neither its bus nor its files (firewalld
// elsewhere, in a container of the host's netns) is as good as nothing read.
const FirewalldState* state_of(const HostNetwork& host) {
    return host.firewalld && host.firewalld->source != FirewalldSource::none ? &*host.firewalld : nullptr;
}

// Why firewalld's zones are not known, when they are not.
std::string unread_reason(const HostNetwork& host) {
    if (!host.firewalld) return host.firewalld.error().message;
    return fmt::format("no firewalld configuration here, and {}",
                       host.firewalld->runtime_unread.empty() ? "no runtime state" : host.firewalld->runtime_unread);
}

// "firewall-cmd ARGS && firewall-cmd --permanent ARGS": in effect now, and after the next
// reload or boot, without a reload now (which would flush Docker's iptables rules).
std::string now_and_lasting(const std::string& args) {
    return fmt::format("firewall-cmd {0} && firewall-cmd --permanent {0}", args);
}

// The interface a packet's zone is chosen by: where it came in (input, and the ingress zone of
// forwarded traffic), or the bridge it leaves by (the egress zone Docker's policy names).
std::string zone_line(const FirewalldState& s, const std::string& interface) {
    if (interface.empty()) return "";
    if (!interface_binding_known(s, interface))
        return fmt::format("{}'s zone is not known: {}", interface,
                           s.runtime_unread.empty() ? "no zone file names it" : "runtime state was not read");
    const std::string& bound = s.interface_zones.at(interface);
    if (bound.empty())
        return fmt::format("{} is in no zone, so in the default zone ({})", interface,
                           s.default_zone.empty() ? "not read" : s.default_zone);
    return fmt::format("{} is in zone {}", interface, bound);
}

void add_zone_evidence(const FirewalldState& s, const std::string& zone, std::vector<std::string>& evidence) {
    const FirewalldZone* z = find_zone(s, zone);
    if (z == nullptr) return;
    for (const std::string& line : describe_rules(z->rules))
        evidence.push_back(fmt::format("firewalld zone {}: {}", zone, line));
    if (!z->interfaces.empty()) evidence.push_back(fmt::format("firewalld zone {}: interfaces: {}", zone, fmt::join(z->interfaces, " ")));
}

// The reject/drop rich rule of a zone or policy that names the packet's source, else its only one.
std::string rich_rule_for(const FirewalldRules& rules, const PathResult& path) {
    std::vector<const std::string*> denying;
    for (const std::string& rule : rules.rich_rules)
        if (rule.find(" reject") != std::string::npos || rule.find(" drop") != std::string::npos) denying.push_back(&rule);
    for (const std::string* rule : denying)
        if (rule->find(fmt::format("\"{}\"", path.packet.saddr)) != std::string::npos) return *rule;
    return denying.size() == 1 ? *denying.front() : "";
}

bool is_strict_forward_chain(const nf::Chain& chain) { return chain.name.ends_with("_dnat"); }

}  // namespace

std::optional<FirewalldDecision> firewalld_decision(const HostNetwork& host, const PathResult& path) {
    const PathStep* step = deciding_step(path);
    const auto site = step != nullptr ? site_of(host, *step) : std::nullopt;
    if (!site || manager_of(host, *site) != FirewallManager::firewalld) return std::nullopt;
    FirewalldDecision d;
    const FirewalldState* s = state_of(host);
    if (s == nullptr)
        d.evidence.push_back(fmt::format("firewalld's zones were not read: {}", unread_reason(host)));
    else if (!s->runtime_unread.empty())
        d.evidence.push_back(fmt::format("firewalld's runtime state was not read ({}): its configuration files were "
                                         "read instead, which miss what was set at runtime only",
                                         s->runtime_unread));
    const std::string& iif = path.packet.iif;
    const bool forward = path.decided_hook == "forward";
    const std::string& by_interface = forward && !path.out_interface.empty() ? path.out_interface : iif;
    const auto owner = nf::is_firewalld_table(*site->table) ? firewalld_chain_owner(site->chain->name) : std::nullopt;

    // StrictForwardPorts: firewalld 2.3 sends DNAT'd packets to filter_FORWARD_dnat; a ruleset
    // without that chain shows it as a DNAT'd packet refused at the end of filter_FORWARD.
    const bool dnat_done = path.final_packet.daddr != path.packet.daddr;
    const bool strict_setting = s != nullptr && s->strict_forward_ports.value_or(false);
    if (is_strict_forward_chain(*site->chain) ||
        (forward && dnat_done && strict_setting && !owner && site->chain->name == "filter_FORWARD")) {
        d.site = FirewalldVerdictSite::strict_forward_ports;
        d.zone = s != nullptr ? effective_zone_of(*s, iif).value_or("") : "";
        d.what = fmt::format("firewalld's StrictForwardPorts=yes: {}/{} is not a forward port of firewalld's",
                             path.packet.dport, to_string(path.packet.proto));
        d.evidence.push_back("firewalld.conf: StrictForwardPorts=yes: published container ports pass only where "
                             "firewalld itself forwards them (firewalld 2.3 and later)");
    }
    if (d.what.empty() && owner && !owner->policy.empty()) {
        d.site = FirewalldVerdictSite::policy;
        d.policy = owner->policy;
        d.what = fmt::format("firewalld policy {}", owner->policy);
        if (s != nullptr)
            if (const FirewalldPolicy* p = find_policy(*s, owner->policy)) {
                if (owner->part == "deny") d.rich_rule = rich_rule_for(p->rules, path);
                if (!d.rich_rule.empty()) {
                    d.site = FirewalldVerdictSite::rich_rule;
                    d.what = fmt::format("firewalld policy {}'s rich rule '{}'", p->name, d.rich_rule);
                }
                d.evidence.push_back(fmt::format("firewalld policy {}: ingress zones {}, egress zones {}", p->name,
                                                 fmt::join(p->ingress_zones, " "), fmt::join(p->egress_zones, " ")));
                for (const std::string& line : describe_rules(p->rules))
                    d.evidence.push_back(fmt::format("firewalld policy {}: {}", p->name, line));
            }
    }
    if (d.what.empty() && owner && !owner->zone.empty()) {
        d.zone = owner->zone;
        const FirewalldZone* z = s != nullptr ? find_zone(*s, owner->zone) : nullptr;
        if (owner->part == "deny" && z != nullptr) d.rich_rule = rich_rule_for(z->rules, path);
        d.site = d.rich_rule.empty() ? FirewalldVerdictSite::zone : FirewalldVerdictSite::rich_rule;
        d.what = d.rich_rule.empty() ? fmt::format("firewalld zone {}", owner->zone)
                                     : fmt::format("firewalld zone {}'s rich rule '{}'", owner->zone, d.rich_rule);
    }
    if (d.what.empty()) {
        // The end of firewalld's own base chain: no zone or policy took the packet.
        d.site = FirewalldVerdictSite::no_zone_accepts;
        d.zone = s != nullptr ? effective_zone_of(*s, by_interface).value_or("") : "";
        d.what = forward ? fmt::format("firewalld (no zone or policy accepts traffic forwarded to {}{})", by_interface,
                                       d.zone.empty() ? "" : fmt::format(", in zone {}", d.zone))
                 : d.zone.empty() ? fmt::format("firewalld (no zone accepts it on {})", iif.empty() ? "this host" : iif)
                                  : fmt::format("firewalld zone {} ({}'s zone)", d.zone, iif);
    }
    if (s != nullptr) {
        for (const std::string& interface : {iif, by_interface})
            if (const std::string line = zone_line(*s, interface); !line.empty() &&
                std::find(d.evidence.begin(), d.evidence.end(), "firewalld: " + line) == d.evidence.end())
                d.evidence.push_back("firewalld: " + line);
        if (!d.zone.empty()) add_zone_evidence(*s, d.zone, d.evidence);
    }
    return d;
}

std::vector<std::string> firewalld_fixes(const HostNetwork& host, const PathResult& denied) {
    const auto d = firewalld_decision(host, denied);
    if (!d) return {};
    const FirewalldState* s = state_of(host);
    const std::string proto(to_string(denied.packet.proto));
    std::vector<std::string> fixes;
    switch (d->site) {
        case FirewalldVerdictSite::rich_rule: {
            const bool of_policy = !d->policy.empty();
            fixes.push_back(fix_running(
                fmt::format("remove the rich rule of {} {} that refuses it", of_policy ? "policy" : "zone",
                            of_policy ? d->policy : d->zone),
                now_and_lasting(fmt::format("--{}={} --remove-rich-rule='{}'", of_policy ? "policy" : "zone",
                                            of_policy ? d->policy : d->zone, d->rich_rule))));
            return fixes;
        }
        case FirewalldVerdictSite::strict_forward_ports: {
            const std::string zone = d->zone.empty() ? "public" : d->zone;
            fixes.push_back(fix_running(
                fmt::format("forward the port with firewalld in zone {}, as StrictForwardPorts requires", zone),
                now_and_lasting(fmt::format("--zone={} --add-forward-port=port={}:proto={}:toport={}:toaddr={}", zone,
                                            denied.packet.dport, proto, denied.final_packet.dport,
                                            denied.final_packet.daddr))));
            fixes.push_back("or let Docker's published ports through again: StrictForwardPorts=no in "
                            "/etc/firewalld/firewalld.conf, then firewall-cmd --reload and restart the engine (the "
                            "reload flushes Docker's iptables rules)");
            return fixes;
        }
        case FirewalldVerdictSite::policy:
            fixes.push_back(fmt::format("firewalld policy {} refuses it: see firewall-cmd --info-policy={}, and let the "
                                        "traffic through in it (--add-port, --add-rich-rule), or set its target",
                                        d->policy, d->policy));
            return fixes;
        case FirewalldVerdictSite::zone:
        case FirewalldVerdictSite::no_zone_accepts: break;
    }
    if (denied.decided_hook != "forward") {
        const std::string zone = d->zone.empty() ? s != nullptr ? s->default_zone : "public" : d->zone;
        fixes.push_back(fix_running(fmt::format("open the port in zone {}", zone),
                                    now_and_lasting(fmt::format("--zone={} --add-port={}/{}", zone, denied.packet.dport, proto))));
        return fixes;
    }
    const std::string bridge = denied.out_interface.empty() ? "BRIDGE" : denied.out_interface;
    // Docker's zone and policy are there (or firewalld's state was not read: the common case
    // is assumed, and the command fails with INVALID_ZONE when it is not).
    const bool docker_ready = s == nullptr || (find_zone(*s, kDockerZone) != nullptr &&
                                               (find_policy(*s, kDockerPolicy) != nullptr ||
                                                s->source != FirewalldSource::runtime));
    if (docker_ready)
        fixes.push_back(fix_running(fmt::format("put {} in Docker's zone, as dockerd does when it reaches firewalld "
                                                "over D-Bus at start",
                                                bridge),
                                    now_and_lasting(fmt::format("--zone=docker --change-interface={}", bridge))));
    else
        fixes.push_back(fix_running(
            fmt::format("make Docker's zone and policy as dockerd 27 and later make them, with {} in it; the reload "
                        "this needs flushes Docker's iptables rules, so the engine is restarted after it",
                        bridge),
            fmt::format("firewall-cmd --permanent --new-zone=docker && firewall-cmd --permanent --zone=docker "
                        "--set-target=ACCEPT && firewall-cmd --permanent --zone=docker --add-interface={} && "
                        "firewall-cmd --permanent --new-policy=docker-forwarding && firewall-cmd --permanent "
                        "--policy=docker-forwarding --add-ingress-zone=ANY && firewall-cmd --permanent "
                        "--policy=docker-forwarding --add-egress-zone=docker && firewall-cmd --permanent "
                        "--policy=docker-forwarding --set-target=ACCEPT && firewall-cmd --reload && systemctl restart "
                        "docker",
                        bridge)));
    fixes.push_back(fmt::format("or restart the engine with firewalld running: dockerd puts its bridges in the "
                                "docker zone itself when it reaches firewalld over D-Bus"));
    return fixes;
}

}  // namespace dnd::checks
