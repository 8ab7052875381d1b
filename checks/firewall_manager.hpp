#pragma once
// Which firewall manager owns the place a packet was decided: a rule changed there with nft
// or iptables lasts only until the manager rewrites its rules, so the checks name the
// manager and its own command. Shared by the *-drop fixes, firewall.ufw-blocks and
// exposure.firewall-bypass.
#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"

namespace dnd::checks {

enum class FirewallManager { none, firewalld, ufw };

// A table iptables writes (legacy, or iptables-nft's ip/ip6 tables with its built-in chain
// names): its rules are changed with the iptables tool of that backend.
bool is_iptables_table(const nf::Table& t);

// The manager that writes this rule, or sets this chain's policy, on host: UFW with IPV6=no
// also sets the ip6 filter policies (to DROP) while holding no chain there.
FirewallManager manager_of(const HostNetwork& host, const StepSite& site);

// Whether site is a built-in chain policy that UFW set in ip6 filter because IPV6=no.
bool is_ufw_ipv6_off_policy(const HostNetwork& host, const StepSite& site);

// The manager owning the step that decided path; none when no netfilter step decided it.
FirewallManager manager_deciding(const HostNetwork& host, const PathResult& path);

}  // namespace dnd::checks
