#pragma once
// Socket owners for several network namespaces from one pass over /proc: each process's
// netns link and fd table is read at most once, however many namespaces are asked about
// (the container's and the host's). Lazy: nothing is read before the first question.
// Not thread-safe: one thread at a time (collection hands it from one to the next).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

class SocketOwnerScan {
public:
    explicit SocketOwnerScan(std::string proc_root);

    // socket inode -> owners among the processes whose /proc/PID/ns/net is netns_inode
    // (every process when it is 0). Processes that vanish or cannot be read own nothing.
    std::map<unsigned long, std::vector<SocketOwner>> owners_in(unsigned long netns_inode);

    // SocketOwner::cgroup of a process, read once; "" when it cannot be read. Asked only for
    // the owners of listeners: checks tell a host-network container's sockets by it.
    std::string cgroup_of(int pid);

private:
    struct Process {
        int pid = 0;
        std::optional<unsigned long> netns;           // read on first need; 0 when unreadable
        std::optional<std::vector<unsigned long>> sockets;
        std::string comm;                              // read with sockets, when there are any
        std::optional<std::string> cgroup;             // read on first need
    };
    void list_processes();

    std::string proc_root_;
    bool listed_ = false;
    std::vector<Process> processes_;  // by pid
};

// Where TCP listeners come from. The /proc/PID/net/tcp{,6} files cost milliseconds: the
// kernel walks every TCP socket of every namespace to print them. sock_diag asks for the
// listening ones only (microseconds), entering the netns when needed (root); whenever it
// cannot be used, the files are read instead. Same listeners, same order.
enum class TcpListenerSource { proc_files, sock_diag };

// read_listeners (procfs.hpp) with the owners from scan, so that a second namespace's
// listeners reuse what the first one read.
Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid, SocketOwnerScan& scan,
                                             TcpListenerSource tcp_source = TcpListenerSource::proc_files);

}  // namespace dnd
