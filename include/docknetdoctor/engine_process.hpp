#pragma once
// The engine's own process, found from its local API socket and read from /proc. It
// answers "is the engine rootless?" the way dockerd itself does (ROOTLESSKIT_STATE_DIR in
// its environment), so /info, the engine's slowest answer, need not be asked for it.
//
// Two ways to the process:
//   - dockerd listens on the socket itself: SO_PEERCRED of a connection names it;
//   - socket activation (systemd's docker.socket, the Debian and docker-ce default):
//     the listener is systemd, and dockerd is the process of this netns that also holds
//     the listening socket (found in /proc/thread-self/net/unix by path, then in the scan).
// Errors (source "engine-process") mean "ask /info instead", never "not rootless".
#include <optional>
#include <string>
#include <string_view>

#include "docknetdoctor/error.hpp"
#include "docknetdoctor/facts.hpp"
#include "docknetdoctor/procfs_scan.hpp"

namespace dnd {

// The pid (in our pid namespace) of the process that listens on the unix socket at path.
Result<int> unix_socket_listener_pid(const std::string& path);

// proc_root/PID as the engine: an error unless its executable is named dockerd. Reads
// ROOTLESSKIT_STATE_DIR from its environment and nothing else of it.
Result<EngineProcess> read_dockerd_process(const std::string& proc_root, int pid, std::string found_as);

// The inode of the listening unix socket bound at socket_path, from the text of
// /proc/net/unix. Both paths are compared after resolving symlinks (/var/run -> /run).
std::optional<unsigned long> unix_listener_inode(std::string_view proc_net_unix, const std::string& socket_path);

// The first way. look_among_holders: another process listens, one we could read (socket
// activation, probably): dockerd_holding_unix_listener may find the engine after the scan.
struct ListenerSearch {
    Result<EngineProcess> found = std::unexpected(Error{"engine-process", "not searched"});
    bool look_among_holders = false;
};
ListenerSearch find_listening_dockerd(const std::string& proc_root, const std::string& socket_path);

// The second way: the dockerd among the processes of this netns holding the listening
// socket bound at socket_path.
Result<EngineProcess> dockerd_holding_unix_listener(const std::string& proc_root, const std::string& socket_path,
                                                    SocketOwnerScan& scan);

}  // namespace dnd
