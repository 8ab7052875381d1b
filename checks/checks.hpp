#pragma once
// Declarations of every check function; registry.cpp lists them. One file per check,
// named after its cause id (container.not-running -> container_not_running.cpp).
#include "docknetdoctor/check.hpp"

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
CheckResult engine_rootless(const Facts& f);
CheckResult exposure_public_sensitive_port(const Facts& f);

}  // namespace dnd::checks
