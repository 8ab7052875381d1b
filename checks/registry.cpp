// The explicit list of checks (no static self-registration): adding a check means adding
// its line here, its catalog entry, its man page entry and its fixtures.
#include "checks.hpp"

namespace dnd {

std::span<const Check> all_checks() {
    static const Check checks[] = {
        {"container.not-running", checks::container_not_running},
        {"container.restarting", checks::container_restarting},
        {"container.unhealthy", checks::container_unhealthy},
        {"port.not-published", checks::port_not_published},
        {"port.wrong-container-port", checks::port_wrong_container_port},
        {"port.host-port-conflict", checks::port_host_port_conflict},
        {"port.host-bind-loopback", checks::port_host_bind_loopback},
        {"network.host-mode-ports-ignored", checks::network_host_mode_ports_ignored},
        {"network.none", checks::network_none},
        {"network.internal", checks::network_internal},
        {"app.not-listening", checks::app_not_listening},
        {"app.loopback-only", checks::app_loopback_only},
        {"engine.rootless", checks::engine_rootless},
        {"exposure.public-sensitive-port", checks::exposure_public_sensitive_port},
    };
    return checks;
}

}  // namespace dnd
