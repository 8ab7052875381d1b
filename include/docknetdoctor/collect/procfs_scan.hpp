#pragma once
// Socket owners for several network namespaces from one pass over /proc: each process's
// netns link and fd table is read at most once, however many namespaces are asked about
// (the container's and the host's). Lazy: nothing is read before the first question, and
// only as much as the question needs (see owners_of).
// Not thread-safe: one thread at a time (collection hands it from one to the next).
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

class SocketOwnerScan {
public:
    explicit SocketOwnerScan(std::string proc_root);

    // socket inode -> owners, for the wanted inodes, among the processes whose
    // /proc/PID/ns/net is netns_inode (every process when it is 0). The likely processes are
    // read first; the rest of /proc only while a wanted inode has no owner yet, and when a
    // process there holds one, its children are read too (a forked server's workers share
    // its socket). So one container's diagnosis reads its own processes' fd tables, not those
    // of every process on the host; the price: a socket held both by a likely process and by
    // an unrelated one names only the former. Processes that vanish or cannot be read own
    // nothing.
    std::map<unsigned long, std::vector<SocketOwner>> owners_of(const std::set<unsigned long>& wanted,
                                                                unsigned long netns_inode,
                                                                const std::vector<int>& likely = {});

    // SocketOwner::cgroup of a process, read once; "" when it cannot be read. Asked only for
    // the owners of listeners: checks tell a host-network container's sockets by it.
    std::string cgroup_of(int pid);

    // The processes pid started: from /proc/PID/task/*/children, each thread's; none when
    // that cannot be read.
    std::vector<int> children_of(int pid) const;
    // pid, then every process below it (children_of, breadth first).
    std::vector<int> process_tree(int pid) const;

private:
    struct Process {
        std::optional<unsigned long> netns;           // read on first need; 0 when unreadable
        std::optional<std::vector<unsigned long>> sockets;
        std::string comm;                              // read with sockets, when there are any
        std::optional<std::string> cgroup;             // read on first need
    };
    Process& process(int pid) { return processes_[pid]; }
    bool in_netns(int pid, unsigned long netns_inode);
    const std::vector<unsigned long>& sockets_of(int pid);
    const std::vector<int>& all_pids();

    std::string proc_root_;
    std::optional<std::vector<int>> all_pids_;  // /proc's numeric entries, listed on first need
    std::map<int, Process> processes_;
};

// Where TCP listeners come from. The /proc/PID/net/tcp{,6} files cost milliseconds: the
// kernel walks every TCP socket of every namespace to print them. sock_diag asks for the
// listening ones only (microseconds), entering the netns when needed (root); whenever it
// cannot be used, the files are read instead. Same listeners, same order.
enum class TcpListenerSource { proc_files, sock_diag };

// The listeners of pid's network namespace (pid 0: this process's), owners not yet named.
Result<std::vector<Listener>> list_listeners(const std::string& proc_root, int pid,
                                             TcpListenerSource tcp_source = TcpListenerSource::proc_files);

// Names the owners (with their cgroups) of the listeners `which` selects (all when empty),
// from scan: processes of netns_inode, the likely ones first (SocketOwnerScan::owners_of).
void name_owners(std::vector<Listener>& listeners, SocketOwnerScan& scan, unsigned long netns_inode,
                 const std::vector<int>& likely, const std::function<bool(const Listener&)>& which = {});

// read_listeners (procfs.hpp) with the owners from scan, so that a second namespace's
// listeners reuse what the first one read; pid's own process tree is the likely owners.
Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid, SocketOwnerScan& scan,
                                             TcpListenerSource tcp_source = TcpListenerSource::proc_files);

}  // namespace dnd
