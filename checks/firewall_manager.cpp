// Which firewall manager owns a deciding rule or policy (see firewall_manager.hpp).
#include "firewall_manager.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace dnd::checks {

bool is_iptables_table(const nf::Table& t) {
    if (t.source == nf::RulesetSource::iptables_legacy) return true;
    if (t.family != nf::Family::ip && t.family != nf::Family::ip6) return false;
    constexpr std::array<std::string_view, 5> tables{"filter", "nat", "mangle", "raw", "security"};
    constexpr std::array<std::string_view, 5> builtins{"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
    if (std::find(tables.begin(), tables.end(), t.name) == tables.end()) return false;
    return std::all_of(t.chains.begin(), t.chains.end(), [&](const nf::Chain& c) {
        return !c.base || std::find(builtins.begin(), builtins.end(), c.name) != builtins.end();
    });
}

bool is_ufw_ipv6_off_policy(const HostNetwork& host, const StepSite& site) {
    constexpr std::array<std::string_view, 3> chains{"INPUT", "FORWARD", "OUTPUT"};
    return host.ufw && host.ufw->installed && host.ufw->enabled && !host.ufw->ipv6 && site.rule == nullptr &&
           site.table->family == nf::Family::ip6 && site.table->name == "filter" && is_iptables_table(*site.table) &&
           std::find(chains.begin(), chains.end(), site.chain->name) != chains.end();
}

FirewallManager manager_of(const HostNetwork& host, const StepSite& site) {
    if (is_ufw_ipv6_off_policy(host, site)) return FirewallManager::ufw;
    if (nf::is_firewalld_table(*site.table)) return FirewallManager::firewalld;
    if (!is_iptables_table(*site.table)) return FirewallManager::none;
    // ufw names its chains ufw-* (ufw6-* in ip6tables); ufw-docker's deny chain too.
    if (site.chain->name.starts_with("ufw")) return FirewallManager::ufw;
    // ufw sets the policies of the built-in chains of the tables it holds chains in.
    const bool holds_ufw = std::any_of(site.table->chains.begin(), site.table->chains.end(),
                                       [](const nf::Chain& c) { return c.name.starts_with("ufw"); });
    return site.rule == nullptr && holds_ufw ? FirewallManager::ufw : FirewallManager::none;
}

FirewallManager manager_deciding(const HostNetwork& host, const PathResult& path) {
    const PathStep* step = deciding_step(path);
    const auto site = step != nullptr ? site_of(host, *step) : std::nullopt;
    return site ? manager_of(host, *site) : FirewallManager::none;
}

}  // namespace dnd::checks
