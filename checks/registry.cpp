// The explicit list of checks (no static self-registration): adding a check means adding
// its line here, its catalog entry, its man page entry and its fixtures.
#include "checks.hpp"
#include "peer_common.hpp"  // on_source_and_target: container.*/app.* also judge the --to target

namespace dnd {

std::span<const Check> all_checks() {
    static const Check checks[] = {
        {"container.not-running", checks::on_source_and_target<checks::container_not_running, false>},
        {"container.restarting", checks::on_source_and_target<checks::container_restarting, false>},
        {"container.unhealthy", checks::on_source_and_target<checks::container_unhealthy, false>},
        {"port.not-published", checks::port_not_published},
        {"port.wrong-container-port", checks::port_wrong_container_port},
        {"port.host-port-conflict", checks::port_host_port_conflict},
        {"port.host-bind-loopback", checks::port_host_bind_loopback},
        {"network.host-mode-ports-ignored", checks::network_host_mode_ports_ignored},
        {"network.none", checks::network_none},
        {"network.internal", checks::network_internal},
        {"app.not-listening", checks::on_source_and_target<checks::app_not_listening, true>},
        {"app.loopback-only", checks::on_source_and_target<checks::app_loopback_only, true>},
        {"engine.iptables-disabled", checks::engine_iptables_disabled},
        {"engine.rootless", checks::engine_rootless},
        {"kernel.ip-forward-disabled", checks::kernel_ip_forward_disabled},
        {"kernel.interface-forwarding-off", checks::kernel_interface_forwarding_off},
        {"kernel.br-netfilter-off", checks::kernel_br_netfilter_off},
        {"kernel.route-localnet-off", checks::kernel_route_localnet_off},
        {"netfilter.docker-rules-missing", checks::netfilter_docker_rules_missing},
        {"netfilter.dnat-missing", checks::netfilter_dnat_missing},
        {"netfilter.forward-drop", checks::netfilter_forward_drop},
        {"netfilter.input-drop", checks::netfilter_input_drop},
        {"netfilter.prerouting-drop", checks::netfilter_prerouting_drop},
        {"netfilter.backend-mismatch", checks::netfilter_backend_mismatch},
        {"exposure.public-sensitive-port", checks::exposure_public_sensitive_port},
        {"exposure.firewall-bypass", checks::exposure_firewall_bypass},
        {"peer.not-found", checks::peer_not_found},
        {"peer.different-networks", checks::peer_different_networks},
        {"peer.default-bridge-no-dns", checks::peer_default_bridge_no_dns},
        {"peer.dns-failure", checks::peer_dns_failure},
        {"peer.icc-disabled", checks::peer_icc_disabled},
        {"peer.using-host-port", checks::peer_using_host_port},
        {"peer.localhost", checks::peer_localhost},
        {"peer.host-gateway-missing", checks::peer_host_gateway_missing},
    };
    return checks;
}

}  // namespace dnd
