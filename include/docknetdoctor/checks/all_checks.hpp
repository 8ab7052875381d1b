#pragma once
// The catalog: every cause docknetdoctor knows, as one explicit list (no static
// self-registration), in the order of shared causes.md: layer by layer, the bottom of the
// stack first. That order is the ranking's last tie-break. Each entry is a function in
// checks/ENTRY.cpp that returns the whole check: its catalog text, its probe-evidence rule
// and its function. The registry the pipeline runs, `list-causes`, `explain` and the man
// page's CAUSES section are all read from here. Adding a check: scripts/new-check.sh ID.
#include <span>
#include <string_view>

#include "docknetdoctor/model/check.hpp"

#define DND_CATALOG(X) \
    X(container_not_running) \
    X(container_restarting) \
    X(container_unhealthy) \
    X(port_not_published) \
    X(port_wrong_container_port) \
    X(port_host_port_conflict) \
    X(port_host_bind_loopback) \
    X(network_host_mode_ports_ignored) \
    X(network_none) \
    X(network_internal) \
    X(network_mtu_mismatch) \
    X(swarm_ingress_unavailable) \
    X(swarm_node_ports_blocked) \
    X(app_not_listening) \
    X(app_loopback_only) \
    X(engine_iptables_disabled) \
    X(engine_rootless) \
    X(kernel_ip_forward_disabled) \
    X(kernel_interface_forwarding_off) \
    X(kernel_br_netfilter_off) \
    X(kernel_route_localnet_off) \
    X(netfilter_docker_rules_missing) \
    X(netfilter_dnat_missing) \
    X(netfilter_forward_drop) \
    X(netfilter_input_drop) \
    X(netfilter_prerouting_drop) \
    X(netfilter_direct_routing_blocked) \
    X(netfilter_backend_mismatch) \
    X(conntrack_stale_entry) \
    X(firewall_firewalld_zone) \
    X(firewall_ufw_blocks) \
    X(firewall_firewalld_reload) \
    X(selinux_denial) \
    X(selinux_proxy_boolean_off) \
    X(exposure_public_sensitive_port) \
    X(exposure_firewall_bypass) \
    X(peer_not_found) \
    X(peer_different_networks) \
    X(peer_default_bridge_no_dns) \
    X(peer_dns_failure) \
    X(peer_icc_disabled) \
    X(peer_using_host_port) \
    X(peer_localhost) \
    X(peer_host_gateway_missing) \
    X(path_unexplained)

namespace dnd {
namespace checks {
#define DND_DECLARE_CHECK(entry) const Check& entry();
DND_CATALOG(DND_DECLARE_CHECK)
#undef DND_DECLARE_CHECK
}  // namespace checks

// Every entry of the catalog, in catalog order (Check::run is null for a cause not checked).
std::span<const Check> all_checks();

// The entry for a cause id, or nullptr.
const Check* find_check(std::string_view id);

}  // namespace dnd
