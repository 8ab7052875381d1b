#pragma once
// The engine's own process, found from its local API socket and read from /proc. It
// answers "is the engine rootless?" the way dockerd itself does (a non-empty
// ROOTLESSKIT_STATE_DIR in its environment), so /info, the engine's slowest answer, need
// not be asked for it.
//
// Two ways to the process, both starting from SO_PEERCRED (who called listen() on the
// socket we connect to, so nobody else's socket at a look-alike path can stand in):
//   - dockerd listens on the socket itself;
//   - socket activation (systemd's docker.socket, the Debian and docker-ce default): the
//     listener started dockerd as its child and handed it the listening socket, which both
//     now hold (its inode from /proc/thread-self/net/unix by path, then their fd tables).
// Errors (source "engine-process") mean "ask /info instead", never "not rootless".
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

Result<EngineProcess> find_engine_process(const std::string& proc_root, const std::string& socket_path);

// The steps, each tested alone.

// The pid (in our pid namespace) of the process that listens on the unix socket at path.
Result<int> unix_socket_listener_pid(const std::string& path);

// proc_root/PID as the engine: an error unless its executable is named dockerd. Reads
// ROOTLESSKIT_STATE_DIR from its environment and nothing else of it.
Result<EngineProcess> read_dockerd_process(const std::string& proc_root, int pid, std::string found_as);

// The inodes of the listening unix sockets bound at socket_path, from the text of
// /proc/net/unix. Paths are compared after resolving symlinks (/var/run -> /run).
std::vector<unsigned long> unix_listener_inodes(std::string_view proc_net_unix, const std::string& socket_path);

// The engine's children, and which of them are docker-proxies of which host port: each
// names its port on its command line (-host-port N), one small read where its fd table is a
// dozen.
struct EngineChildren {
    std::vector<int> children;
    std::map<int, std::vector<int>> proxies_by_port;
};
EngineChildren read_engine_children(const std::string& proc_root, int engine_pid);

}  // namespace dnd
