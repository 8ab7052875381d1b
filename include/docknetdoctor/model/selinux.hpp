#pragma once
// SELinux as the diagnosis needs it, as plain data: the mode, the booleans that decide
// whether a proxy or a container may connect, the labels of the processes on the path
// (the container's app, docker-proxy, dockerd, host processes connected to the ports) and
// the recent AVC denials. Filled by collect/selinux_collect.hpp, read by the selinux.* checks.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

struct SelinuxBoolean {
    std::string name;      // "httpd_can_network_connect"
    bool current = false;  // in force now
    bool pending = false;  // after the next commit (setsebool without -P leaves them equal)
};

// Why a process's label was read: its place on the path of the question.
enum class ProcessRole { container_app, docker_proxy, dockerd, host_client };
std::string_view to_string(ProcessRole r);  // "container app", "docker-proxy", "dockerd", "host client"
std::optional<ProcessRole> parse_process_role(std::string_view s);

struct LabelledProcess {
    int pid = 0;
    std::string comm;     // /proc/PID/comm, raw (sanitize before printing)
    ProcessRole role = ProcessRole::container_app;
    std::string label;    // /proc/PID/attr/current, "" when unreadable
    // host client: its TCP connection to the published port or the container, as
    // "10.0.0.1:41234 -> 10.0.0.1:8080"; "" for the other roles.
    std::string connection;
    std::uint16_t remote_port = 0;  // host client: the port it is connected to
};

// One AVC record: "avc:  denied  { name_connect } for pid=... tclass=tcp_socket ...".
struct AvcDenial {
    std::string record;                 // the record as read, one line (a wrapped record joined)
    std::string form;                   // "auditd", "kmsg", "journald"
    std::optional<double> time;         // audit(SECONDS.MS:SERIAL) or the journal entry's time
    std::vector<std::string> permissions;  // { name_connect }
    int pid = 0;
    std::string comm;                   // decoded (audit writes it in hex when it has spaces)
    std::optional<std::uint16_t> dest;  // dest= (connect), src= (bind), lport/fport
    std::optional<std::uint16_t> src;
    std::string laddr;                  // laddr/faddr/saddr/daddr when the record has them
    std::string faddr;
    std::string scontext;               // user:role:type:level
    std::string tcontext;
    std::string tclass;                 // tcp_socket ...
    std::optional<bool> permissive;     // permissive=1: logged, not enforced; absent in old kernels
};

// The type field of a context "user:role:type:level[:categories]"; "" when malformed.
std::string_view context_type(std::string_view context);

// Where denials were read from, how much, and what was found.
struct AvcLog {
    std::string source;           // "/var/log/audit/audit.log", "journal"
    std::string since;            // the window's start, RFC 3339 UTC
    std::uint64_t bytes_read = 0;
    bool tail_only = false;       // the log was bigger than the bound: only its end was read
    int skipped_lines = 0;        // malformed, truncated or binary AVC lines
    std::vector<AvcDenial> denials;  // in the window, oldest first
};

struct SelinuxState {
    bool enabled = false;          // selinuxfs is mounted
    std::string not_enabled_why;   // when !enabled: "no /sys/fs/selinux" ...
    bool enforcing = false;        // /sys/fs/selinux/enforce
    std::string config_mode;       // /etc/selinux/config SELINUX= ("" unread)
    std::string policy_type;       // SELINUXTYPE=
    std::vector<SelinuxBoolean> booleans;       // those the checks weigh, when present
    std::vector<LabelledProcess> processes;
    Result<AvcLog> denials = fail("selinux", "not collected");

    const SelinuxBoolean* boolean(std::string_view name) const;
};

void to_json(nlohmann::json& j, const SelinuxState& s);
void from_json(const nlohmann::json& j, SelinuxState& s);

}  // namespace dnd
