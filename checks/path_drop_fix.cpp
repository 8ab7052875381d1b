// Fix lines for a denied packet, by where it was denied (see path_drop_fix.hpp).
#include "path_drop_fix.hpp"

#include <string_view>

#include <fmt/format.h>

#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "firewall_manager.hpp"
#include "ufw_terms.hpp"

namespace dnd::checks {
namespace {

constexpr std::string_view kDockerUser = "DOCKER-USER";

// "iptables-nft", "ip6tables-legacy -t raw": the tool and table option for rules in t.
std::string iptables_tool(const nf::Table& t) {
    const bool legacy = t.source == nf::RulesetSource::iptables_legacy;
    std::string tool = fmt::format("{}tables-{}", t.family == nf::Family::ip6 ? "ip6" : "ip", legacy ? "legacy" : "nft");
    if (t.name != "filter") tool += " -t " + t.name;
    return tool;
}

// "inet firewalld filter_FORWARD", "iptables-legacy ip filter FORWARD": as the evidence names it.
std::string chain_name(const nf::Table& t, const nf::Chain& c) {
    return fmt::format("{}{} {} {}", t.source == nf::RulesetSource::iptables_legacy ? "iptables-legacy " : "",
                       nf::to_string(t.family), t.name, c.name);
}

// The packet as the deciding chain sees it: after DNAT (or in forward) the destination is
// the container's address and port, which the match names; before it, only the host port.
PacketMatch packet_at(const PathResult& path, std::size_t step_index) {
    bool dnat_before = false;
    for (std::size_t i = 0; i < step_index; ++i) dnat_before = dnat_before || path.steps[i].result == StepResult::dnat;
    const Packet& p = dnat_before ? path.final_packet : path.packet;
    PacketMatch at{p.family, std::nullopt, std::nullopt, p.proto, p.dport};
    if (dnat_before || path.steps[step_index].hook == "forward") at.daddr = p.daddr;
    return at;
}

// A step in Docker's DOCKER-USER (in a table iptables writes), or the jump into it.
bool is_docker_user_step(const PathStep& s, const StepSite& site) {
    const bool jumps_there = (s.result == StepResult::jump || s.result == StepResult::goto_) &&
                             s.note.ends_with(fmt::format(" {}", kDockerUser));
    return is_iptables_table(*site.table) && (jumps_there || site.chain->name == kDockerUser);
}

// Whether the walk that made step `index` (it and the steps before it in the same hook and
// table) entered DOCKER-USER.
bool walk_passed_docker_user(const HostNetwork& host, const PathResult& path, std::size_t index, const StepSite& site) {
    for (std::size_t i = index + 1; i-- > 0;) {
        const PathStep& s = path.steps[i];
        if (s.hook != path.steps[index].hook) break;
        const auto at = site_of(host, s);
        if (!at || at->table != site.table) break;
        if (is_docker_user_step(s, *at)) return true;
    }
    return false;
}

std::optional<std::string> manager_fix(FirewallManager manager, const StepSite& site, const PathResult& denied,
                                       const PacketMatch& at) {
    if (manager == FirewallManager::ufw) {
        const auto command = ufw_allow_command(denied.decided_hook, at);
        if (!command) return std::nullopt;
        return fix_running(fmt::format("ufw {} {}: make the allowance lasting there",
                                       site.rule != nullptr ? "writes" : "sets the policy of", site.chain->name),
                           *command);
    }
    return std::nullopt;
}

// The first line: the allowance where the packet died.
std::string allow_fix(const HostNetwork& host, const PathResult& denied, std::size_t index, const StepSite& site,
                      const PacketMatch& at) {
    const nf::Table& t = *site.table;
    const nf::Chain& c = *site.chain;
    const bool iptables = is_iptables_table(t);
    if (walk_passed_docker_user(host, denied, index, site))
        return fix_running("allow it in DOCKER-USER, before the drop",
                           fmt::format("{} -I {} {} -j ACCEPT", iptables_tool(t), kDockerUser, at.iptables()));
    if (site.rule != nullptr) {
        const std::string what = fmt::format("allow it in {}, before the rule that {} it", chain_name(t, c),
                                             denied.verdict == PathVerdict::rejected ? "rejects" : "drops");
        if (iptables)
            return fix_running(what, fmt::format("{} -I {} {} {} -j ACCEPT", iptables_tool(t), c.name,
                                                 site.rule->position + 1, at.iptables()));
        return fix_running(what, fmt::format("nft insert rule {} {} {} position {} {} accept", nf::to_string(t.family),
                                             t.name, c.name, site.rule->handle, at.nft()));
    }
    // The policy: replies fall to it too, so an empty chain is opened as a whole; a chain
    // with rules (which then let the replies through) gets the allowance at its end.
    if (c.rules.empty()) {
        const std::string what = fmt::format("{} holds no rules and drops by its policy: let it accept", chain_name(t, c));
        if (iptables) return fix_running(what, fmt::format("{} -P {} ACCEPT", iptables_tool(t), c.name));
        return fix_running(what, fmt::format("nft chain {} {} {} '{{ policy accept; }}'", nf::to_string(t.family), t.name,
                                             c.name));
    }
    const std::string what = fmt::format("allow it at the end of {}, before its policy drops it", chain_name(t, c));
    if (iptables) return fix_running(what, fmt::format("{} -A {} {} -j ACCEPT", iptables_tool(t), c.name, at.iptables()));
    return fix_running(what, fmt::format("nft add rule {} {} {} {} accept", nf::to_string(t.family), t.name, c.name,
                                         at.nft()));
}

std::string delete_fix(const StepSite& site) {
    const nf::Table& t = *site.table;
    if (t.source == nf::RulesetSource::iptables_legacy)
        return fix_running("or delete the rule that drops it",
                           fmt::format("{} -D {} {}", iptables_tool(t), site.chain->name, site.rule->position + 1));
    return fix_running("or delete the rule that drops it",
                       fmt::format("nft delete rule {} {} {} handle {}", nf::to_string(t.family), t.name,
                                   site.chain->name, site.rule->handle));
}

}  // namespace

std::string PacketMatch::iptables() const {
    std::string text;
    if (iif) text += fmt::format("-i {} ", *iif);
    if (daddr) text += fmt::format("-d {} ", *daddr);
    return text + fmt::format("-p {} --dport {}", to_string(proto), dport);
}

std::string PacketMatch::nft() const {
    std::string text;
    if (iif) text += fmt::format("iifname \"{}\" ", *iif);
    if (daddr) text += fmt::format("{} daddr {} ", family == 6 ? "ip6" : "ip", *daddr);
    return text + fmt::format("{} dport {}", to_string(proto), dport);
}

PacketMatch packet_where_decided(const PathResult& path) {
    const PathStep* step = deciding_step(path);
    if (step == nullptr) return {path.packet.family, std::nullopt, std::nullopt, path.packet.proto, path.packet.dport};
    return packet_at(path, static_cast<std::size_t>(step - path.steps.data()));
}

std::vector<std::string> fixes_where_denied(const Facts& f, const PathResult& denied) {
    const PathStep* step = deciding_step(denied);
    const auto site = step != nullptr ? site_of(f.host, *step) : std::nullopt;
    if (!site) return {fmt::format("change the rule that decides: {}", denied.decided_by)};
    const auto index = static_cast<std::size_t>(step - denied.steps.data());
    const PacketMatch at = packet_at(denied, index);

    std::vector<std::string> fix{allow_fix(f.host, denied, index, *site, at)};
    const FirewallManager manager = manager_of(f.host, *site);
    if (auto lasting = manager_fix(manager, *site, denied, at)) fix.push_back(std::move(*lasting));
    // A manager's rule comes back when it rewrites its rules; deleting it is not the fix.
    if (site->rule != nullptr && manager == FirewallManager::none) fix.push_back(delete_fix(*site));
    return fix;
}

std::optional<std::string> docker_user_insert(const Facts& f, const PathResult& path) {
    for (const PathStep& s : path.steps) {
        if (s.hook != "forward") continue;
        const auto site = site_of(f.host, s);
        if (site && is_docker_user_step(s, *site))
            return fmt::format("{} -I {}", iptables_tool(*site->table), kDockerUser);
    }
    return std::nullopt;
}

}  // namespace dnd::checks
