#pragma once
// Listening sockets from /proc/PID/net/{tcp,tcp6,udp,udp6} and their owners from
// /proc/*/fd. Parsers take text (tested on recorded input); readers do the I/O.
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// Parses the text of a /proc/net/{tcp,tcp6,udp,udp6} file: TCP sockets in LISTEN state
// (st 0A), UDP sockets that are bound (unconnected, local port != 0). Addresses in
// presentation form. Malformed lines are an error, not skipped silently.
Result<std::vector<Listener>> parse_proc_net(std::string_view text, Proto proto, int family);

// The cgroup path in the text of a /proc/PID/cgroup file: the cgroup v2 line ("0::PATH"),
// else the first line's path (cgroup v1: the engine names a container's cgroup alike in
// every hierarchy). "" when there is none.
std::string parse_proc_cgroup(std::string_view text);

// Listeners in the network namespace of pid (pid 0: /proc/self, i.e. this process's
// netns = the host when run on the host), owners filled in.
Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid);

}  // namespace dnd
