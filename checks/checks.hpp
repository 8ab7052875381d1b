#pragma once
// Declarations of every check function; registry.cpp lists them. One file per check,
// named after its cause id (container.not-running -> container_not_running.cpp).
#include "docknetdoctor/model/check.hpp"

namespace dnd::checks {

CheckResult container_not_running(const Facts& f);
CheckResult container_restarting(const Facts& f);
CheckResult container_unhealthy(const Facts& f);
CheckResult port_not_published(const Facts& f);
CheckResult port_wrong_container_port(const Facts& f);
CheckResult port_host_port_conflict(const Facts& f);
CheckResult port_host_bind_loopback(const Facts& f);
CheckResult network_host_mode_ports_ignored(const Facts& f);
CheckResult network_none(const Facts& f);
CheckResult network_internal(const Facts& f);
CheckResult app_not_listening(const Facts& f);
CheckResult app_loopback_only(const Facts& f);
CheckResult engine_iptables_disabled(const Facts& f);
CheckResult engine_rootless(const Facts& f);
CheckResult kernel_ip_forward_disabled(const Facts& f);
CheckResult kernel_interface_forwarding_off(const Facts& f);
CheckResult kernel_br_netfilter_off(const Facts& f);
CheckResult kernel_route_localnet_off(const Facts& f);
CheckResult netfilter_dnat_missing(const Facts& f);
CheckResult netfilter_docker_rules_missing(const Facts& f);
CheckResult netfilter_forward_drop(const Facts& f);
CheckResult netfilter_input_drop(const Facts& f);
CheckResult netfilter_prerouting_drop(const Facts& f);
CheckResult netfilter_backend_mismatch(const Facts& f);
CheckResult exposure_public_sensitive_port(const Facts& f);
CheckResult exposure_firewall_bypass(const Facts& f);
CheckResult peer_not_found(const Facts& f);
CheckResult peer_different_networks(const Facts& f);
CheckResult peer_default_bridge_no_dns(const Facts& f);
CheckResult peer_dns_failure(const Facts& f);
CheckResult peer_icc_disabled(const Facts& f);
CheckResult peer_using_host_port(const Facts& f);
CheckResult peer_localhost(const Facts& f);
CheckResult peer_host_gateway_missing(const Facts& f);

}  // namespace dnd::checks
