#pragma once
// SELinux states for the selinux.* case files: an enforcing targeted host with the booleans
// off (the policy's defaults), and what a case adds to it.
#include <string>

#include "check_case.hpp"
#include "docknetdoctor/collect/avc_parse.hpp"

namespace dnd::check_cases {

inline SelinuxState enforcing_targeted() {
    SelinuxState s;
    s.enabled = true;
    s.enforcing = true;
    s.config_mode = "enforcing";
    s.policy_type = "targeted";
    s.booleans = {{"httpd_can_network_connect", false, false},
                  {"httpd_can_network_relay", false, false},
                  {"container_connect_any", false, false}};
    AvcLog log;
    log.source = "/var/log/audit/audit.log";
    log.since = "2026-11-28T13:30:00Z";
    s.denials = log;
    return s;
}

inline SelinuxState with_boolean(SelinuxState s, const std::string& name, bool on) {
    for (auto& b : s.booleans)
        if (b.name == name) b.current = b.pending = on;
    return s;
}

// The record as the audit log holds it, parsed by the collector's own parser.
inline SelinuxState with_denial(SelinuxState s, const std::string& record) {
    auto d = parse_avc_line(record);
    if (!d) ADD_FAILURE() << "not an AVC denial: " << record;
    else s.denials->denials.push_back(*d);
    return s;
}

inline SelinuxState with_host_client(SelinuxState s, int pid, const std::string& comm, const std::string& label,
                                     std::uint16_t remote_port) {
    LabelledProcess p;
    p.pid = pid;
    p.comm = comm;
    p.role = ProcessRole::host_client;
    p.label = label;
    p.connection = "127.0.0.1:51000 -> 127.0.0.1:" + std::to_string(remote_port);
    p.remote_port = remote_port;
    s.processes.push_back(p);
    return s;
}

inline constexpr const char* kHttpdLabel = "system_u:system_r:httpd_t:s0";

}  // namespace dnd::check_cases
