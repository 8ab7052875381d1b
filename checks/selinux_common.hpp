#pragma once
// What the selinux.* checks share: the state to judge by, which AVC denials concern the
// container in question (by port, address or process), and how a denial and its remedy read.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/selinux_policy.hpp"

namespace dnd::checks {

// The state when SELinux is enabled and was read; nullptr otherwise (not enabled is said
// once in the report's notes, unreadable is a blind spot: neither is a cause).
const SelinuxState* enabled_selinux(const Facts& f);

// A denial (or several alike) that concerns the container in question, and why it does.
struct ConcernedDenial {
    const AvcDenial* latest = nullptr;  // the newest of the alike
    int count = 1;                      // alike: same domain, permissions, target type, class, port
    std::string why;                    // "port 8081 is published for web port 80/tcp"
    std::optional<PortKey> port;        // the container port it bears on, when one
};
std::vector<ConcernedDenial> denials_concerning(const Facts& f, const SelinuxState& s);

// "nginx (pid 5642, httpd_t)"
std::string denied_process(const AvcDenial& d);
// "name_connect to tcp port 8081 (transproxy_port_t)"
std::string denied_operation(const AvcDenial& d);
// "SELinux is enforcing (/sys/fs/selinux/enforce = 1; /etc/selinux/config: SELINUX=enforcing, targeted)"
std::string mode_evidence(const SelinuxState& s);
// "httpd_can_network_connect = off (after the next commit: off)"; "... not in this policy"
std::string boolean_evidence(const SelinuxState& s, std::string_view name);
// Whether a boolean is on now (false when the policy has no such boolean).
bool boolean_on(const SelinuxState& s, std::string_view name);
// The fix lines for a remedy on a port: the boolean to set, or the port label to add.
std::vector<std::string> remedy_fix(const SelinuxRemedy& remedy, std::optional<std::uint16_t> port,
                                    std::string_view tclass);

}  // namespace dnd::checks
