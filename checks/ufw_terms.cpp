// UFW's terms for a decision the packet-path evaluator found in UFW's chains (see ufw_terms.hpp).
#include "ufw_terms.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "firewall_manager.hpp"

namespace dnd::checks {
namespace {

// The chains ufw fills from user.rules / user6.rules: the user's own rules.
bool is_user_chain(std::string_view chain) {
    return chain == "ufw-user-input" || chain == "ufw-user-output" || chain == "ufw-user-forward" ||
           chain == "ufw6-user-input" || chain == "ufw6-user-output" || chain == "ufw6-user-forward";
}

struct DefaultPolicy {
    std::string_view chain;     // the built-in chain whose policy ufw sets
    std::string_view name;      // as `ufw status verbose` and `ufw default` name it
    std::string_view variable;  // in /etc/default/ufw
    std::string UfwState::*value;
};
constexpr DefaultPolicy kDefaultPolicies[] = {
    {"INPUT", "incoming", "DEFAULT_INPUT_POLICY", &UfwState::default_input_policy},
    {"FORWARD", "routed", "DEFAULT_FORWARD_POLICY", &UfwState::default_forward_policy},
    {"OUTPUT", "outgoing", "DEFAULT_OUTPUT_POLICY", &UfwState::default_output_policy},
};

// The file ufw loads a chain's rules from, for the chains of before.rules and after.rules.
std::string rules_file_of(std::string_view chain, bool v6) {
    if (chain.find("-before-") != std::string_view::npos) return v6 ? "before6.rules" : "before.rules";
    if (chain.find("-after-") != std::string_view::npos) return v6 ? "after6.rules" : "after.rules";
    return "";
}

void name_user_rule(const HostNetwork& host, const StepSite& site, bool v6, UfwDecision& d) {
    const std::string& chain = site.chain->name;
    const std::string file = fmt::format("/etc/ufw/{}", v6 ? "user6.rules" : "user.rules");
    d.what = fmt::format("rule {} of UFW's {} chain", site.rule->position + 1, chain);
    if (!host.ufw) return;
    if (!host.ufw->rules) {
        d.evidence.push_back(fmt::format("UFW's rules could not be read ({}): the rule is named by its place only",
                                         host.ufw->rules.error().message));
        return;
    }
    const UfwRule* rule = ufw_rule_at(*host.ufw->rules, v6, chain, site.rule->position, site.chain->rules.size());
    if (rule == nullptr) {
        d.evidence.push_back(fmt::format("{} does not load the {} rules the kernel's {} holds (changed since ufw "
                                         "last loaded it?): the rule is named by its place only",
                                         file, site.chain->rules.size(), chain));
        return;
    }
    d.rule = rule;
    const std::string line = sanitize(ufw_status_line(*rule));
    d.what = "UFW rule " + line;
    d.evidence.push_back("ufw status numbered: " + line);
    d.evidence.push_back(fmt::format("{}: ### tuple ### {}", file, sanitize(rule->tuple)));
}

// Whether ufw would take the allowance for `at` in hook as rule r with another action: ufw then
// updates r in place ("Rule updated"), and refuses to insert it ("Skipping inserting existing
// rule").
bool same_match(const UfwRule& r, std::string_view hook, const PacketMatch& at) {
    const bool route = hook == "forward";
    const bool anywhere_from = r.src == "0.0.0.0/0" || r.src == "::/0";
    const bool destination = route ? at.daddr && r.dst == *at.daddr : r.dst == "0.0.0.0/0" || r.dst == "::/0";
    return r.route == route && r.direction == "in" && r.protocol == to_string(at.proto) &&
           r.dport == std::to_string(at.dport) && destination && anywhere_from && r.sport == "any" &&
           r.interface_in.empty() && r.interface_out.empty() && r.dapp.empty() && r.sapp.empty();
}

}  // namespace

std::optional<std::string> ufw_allow_command(std::string_view hook, const PacketMatch& at, int before_number) {
    const std::string insert = before_number > 0 ? fmt::format("insert {} ", before_number) : std::string();
    if (hook == "forward" && at.daddr)
        return fmt::format("ufw route {}allow proto {} from any to {} port {}", insert, to_string(at.proto), *at.daddr,
                           at.dport);
    if (hook == "input") return fmt::format("ufw {}allow {}/{}", insert, at.dport, to_string(at.proto));
    return std::nullopt;
}

std::optional<UfwDecision> ufw_decision(const HostNetwork& host, const PathResult& path) {
    const PathStep* step = deciding_step(path);
    const auto site = step != nullptr ? site_of(host, *step) : std::nullopt;
    if (!site || manager_of(host, *site) != FirewallManager::ufw) return std::nullopt;
    UfwDecision d;
    const std::string& chain = site->chain->name;
    const bool v6 = site->table->family == nf::Family::ip6;
    if (!host.ufw) d.evidence.push_back("UFW's files could not be read: " + host.ufw.error().message);
    else if (host.ufw->installed && !host.ufw->enabled)
        d.evidence.push_back("/etc/ufw/ufw.conf says ENABLED=no, yet UFW's rules are loaded");

    if (is_ufw_ipv6_off_policy(host, *site)) {
        d.ipv6_off = true;
        d.what = "UFW with IPV6=no, which drops all IPv6 traffic but loopback";
        d.evidence.push_back("/etc/default/ufw: IPV6=no");
        return d;
    }
    if (site->rule == nullptr) {
        for (const DefaultPolicy& p : kDefaultPolicies) {
            if (chain != p.chain) continue;
            d.what = fmt::format("UFW's default {} policy", p.name);
            if (host.ufw && !((*host.ufw).*p.value).empty())
                d.evidence.push_back(fmt::format("/etc/default/ufw: {}=\"{}\"", p.variable, sanitize((*host.ufw).*p.value)));
            return d;
        }
        d.what = fmt::format("the policy of {}, in a table UFW holds", chain);
        return d;
    }
    if (is_user_chain(chain)) {
        name_user_rule(host, *site, v6, d);
        return d;
    }
    if (chain == "ufw-docker-logging-deny") {
        d.ufw_docker = true;
        d.what = "ufw-docker's DOCKER-USER block (/etc/ufw/after.rules)";
        d.evidence.push_back("ufw-docker drops new connections to container addresses unless a `ufw route` rule "
                             "allows them first");
        if (host.ufw && host.ufw->docker_user_hooked && *host.ufw->docker_user_hooked)
            d.evidence.push_back("/etc/ufw/after.rules: -A DOCKER-USER -j ufw-user-forward");
        return d;
    }
    const std::string file = rules_file_of(chain, v6);
    d.what = file.empty() ? fmt::format("a rule of UFW's {} chain", chain)
                          : fmt::format("a rule UFW loads from /etc/ufw/{} (chain {})", file, chain);
    return d;
}

bool accepted_by_ufw_route_rule(const HostNetwork& host, const PathResult& path) {
    return std::any_of(path.steps.begin(), path.steps.end(), [&](const PathStep& s) {
        if (s.hook != "forward" || s.result != StepResult::matched_accept) return false;
        const auto site = site_of(host, s);
        return site && manager_of(host, *site) == FirewallManager::ufw && is_user_chain(site->chain->name);
    });
}

std::vector<std::string> ufw_fixes(const HostNetwork& host, const PathResult& denied) {
    const auto d = ufw_decision(host, denied);
    if (!d) return {};
    const PacketMatch at = packet_where_decided(denied);
    std::vector<std::string> fix;
    if (d->rule != nullptr && d->rule->action != "allow") {
        const int number = d->rule->number;
        if (same_match(*d->rule, denied.decided_hook, at)) {
            if (auto command = ufw_allow_command(denied.decided_hook, at))
                fix.push_back(fix_running(fmt::format("turn UFW rule {} into an allowance (ufw updates a rule of the "
                                                      "same match in place)",
                                                      number),
                                          *command));
        } else if (auto command = ufw_allow_command(denied.decided_hook, at, number)) {
            fix.push_back(fix_running(fmt::format("let it through above UFW rule {}", number), *command));
        }
        fix.push_back(fmt::format("or, if UFW rule {} is no longer wanted: ufw delete {}", number, number));
        return fix;
    }
    if (d->ipv6_off) {
        if (auto command = ufw_allow_command(denied.decided_hook, at))
            fix.push_back(fix_running("let UFW manage IPv6 (it then keeps the IPv6 rules in step with the IPv4 ones), "
                                      "and allow it",
                                      fmt::format("sed -i 's/^IPV6=.*/IPV6=yes/' /etc/default/ufw && ufw disable && "
                                                  "ufw --force enable && {}",
                                                  *command)));
        return fix;
    }
    if (auto command = ufw_allow_command(denied.decided_hook, at)) {
        const std::string why = d->ufw_docker ? "allow it with a UFW route rule, which ufw-docker's block consults first"
                                              : fmt::format("allow it in UFW, before {}", d->what);
        fix.push_back(fix_running(why, *command));
    } else {
        fix.push_back(fmt::format("change {} in UFW's configuration, then run ufw reload", d->what));
    }
    return fix;
}

}  // namespace dnd::checks
