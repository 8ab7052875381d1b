// Listeners of a network namespace from /proc/PID/net/*, owners from /proc/*/fd (one
// SocketOwnerScan serves every namespace asked about).
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/collect/procfs.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/sock_diag.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

// TCP listeners (IPv4, IPv6) of the netns of process_dir by sock_diag, from this thread
// when it is in that netns already, else from a thread that enters it; nullopt when that
// cannot be done (no privilege, no IPv6, no sock_diag): the caller reads the files then.
std::optional<std::array<std::vector<Listener>, 2>> tcp_listeners_by_sock_diag(const std::string& proc_root,
                                                                                 const std::string& process_dir) {
    auto dump_both = [] -> std::optional<std::array<std::vector<Listener>, 2>> {
        std::array<std::vector<Listener>, 2> out;
        for (int family : {4, 6}) {
            auto raw = dump_tcp_listeners(family);
            if (!raw) return std::nullopt;
            auto parsed = parse_tcp_listeners_dump(*raw, family);
            if (!parsed) return std::nullopt;
            out[family == 4 ? 0 : 1] = std::move(*parsed);
        }
        return out;
    };
    const auto target = netns_inode_of(process_dir);
    if (!target) return std::nullopt;
    if (target == netns_inode_of(proc_root + "/thread-self")) return dump_both();
    std::optional<std::array<std::vector<Listener>, 2>> result;
    if (!run_in_netns(process_dir + "/ns/net", [&] { result = dump_both(); })) return std::nullopt;
    return result;
}

std::string describe_errno(int error) {
    // strerror's text is capitalized ("Permission denied"); keep it, it is what people search for.
    return std::strerror(error);
}

}  // namespace

SocketOwnerScan::SocketOwnerScan(std::string proc_root) : proc_root_(std::move(proc_root)) {}

const std::vector<int>& SocketOwnerScan::all_pids() {
    if (all_pids_) return *all_pids_;
    all_pids_.emplace();
    DirHandle proc(::opendir(proc_root_.c_str()));
    if (!proc) return *all_pids_;
    while (dirent* entry = ::readdir(proc.get())) {
        if (!is_pid_name(entry->d_name)) continue;
        int pid = 0;
        std::string_view name = entry->d_name;
        auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (ec == std::errc{} && end == name.data() + name.size()) all_pids_->push_back(pid);
    }
    std::sort(all_pids_->begin(), all_pids_->end());
    return *all_pids_;
}

bool SocketOwnerScan::in_netns(int pid, unsigned long netns_inode) {
    if (netns_inode == 0) return true;
    Process& p = process(pid);
    if (!p.netns) p.netns = netns_inode_of(fmt::format("{}/{}", proc_root_, pid)).value_or(0);
    return *p.netns == netns_inode;
}

const std::vector<unsigned long>& SocketOwnerScan::sockets_of(int pid) {
    Process& p = process(pid);
    if (!p.sockets) {
        const std::string process_dir = fmt::format("{}/{}", proc_root_, pid);
        p.sockets = socket_inodes_of(process_dir);
        if (!p.sockets->empty()) p.comm = read_comm(process_dir);
    }
    return *p.sockets;
}

std::map<unsigned long, std::vector<SocketOwner>> SocketOwnerScan::owners_of(const std::set<unsigned long>& wanted,
                                                                             unsigned long netns_inode,
                                                                             const std::vector<int>& likely) {
    std::map<unsigned long, std::vector<SocketOwner>> owners;
    if (wanted.empty()) return owners;
    std::set<int> read;
    std::set<unsigned long> unowned = wanted;
    // Whether pid holds a wanted socket (it is then an owner of each it holds).
    auto read_process = [&](int pid) {
        if (!read.insert(pid).second || !in_netns(pid, netns_inode)) return false;
        bool holds = false;
        for (unsigned long inode : sockets_of(pid)) {
            if (!wanted.contains(inode)) continue;
            owners[inode].push_back(SocketOwner{pid, process(pid).comm, {}});
            unowned.erase(inode);
            holds = true;
        }
        return holds;
    };
    for (int pid : likely) read_process(pid);
    // Processes come and go while we scan; whatever cannot be read is simply not an owner.
    // When the likely processes held every socket, the host's process list is never read.
    if (!unowned.empty())
        for (int pid : all_pids()) {
            if (unowned.empty()) break;
            if (!read_process(pid)) continue;
            for (int child : children_of(pid)) read_process(child);
        }
    for (auto& [inode, holders] : owners)
        std::sort(holders.begin(), holders.end(), [](const SocketOwner& a, const SocketOwner& b) { return a.pid < b.pid; });
    return owners;
}

std::string SocketOwnerScan::cgroup_of(int pid) {
    Process& p = process(pid);
    if (!p.cgroup) {
        auto text = read_text_file(fmt::format("{}/{}/cgroup", proc_root_, pid));
        p.cgroup = text ? parse_proc_cgroup(*text) : std::string();
    }
    return *p.cgroup;
}

std::vector<int> SocketOwnerScan::children_of(int pid) const { return child_pids(proc_root_, pid); }

std::vector<int> SocketOwnerScan::process_tree(int pid) const {
    std::vector<int> tree{pid};
    std::set<int> seen{pid};  // pids are reused: never loop on a stale children list
    for (std::size_t i = 0; i < tree.size(); ++i)
        for (int child : children_of(tree[i]))
            if (seen.insert(child).second) tree.push_back(child);
    return tree;
}

Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid) {
    SocketOwnerScan scan(proc_root);
    return read_listeners(proc_root, pid, scan);
}

Result<std::vector<Listener>> list_listeners(const std::string& proc_root, int pid, TcpListenerSource tcp_source) {
    const std::string process_dir = pid == 0 ? proc_root + "/self" : fmt::format("{}/{}", proc_root, pid);
    const auto tcp_by_diag = tcp_source == TcpListenerSource::sock_diag
                                 ? tcp_listeners_by_sock_diag(proc_root, process_dir)
                                 : std::nullopt;
    struct NetFile {
        const char* name;
        Proto proto;
        int family;
    };
    constexpr std::array<NetFile, 4> kFiles{{{"tcp", Proto::tcp, 4},
                                             {"tcp6", Proto::tcp, 6},
                                             {"udp", Proto::udp, 4},
                                             {"udp6", Proto::udp, 6}}};
    std::vector<Listener> listeners;
    for (const NetFile& file : kFiles) {
        if (file.proto == Proto::tcp && tcp_by_diag) {
            const auto& diag = (*tcp_by_diag)[file.family == 4 ? 0 : 1];
            listeners.insert(listeners.end(), diag.begin(), diag.end());
            continue;
        }
        const std::string path = process_dir + "/net/" + file.name;
        auto text = read_text_file(path);
        if (!text) {
            // A kernel without IPv6 has no tcp6/udp6: no IPv6 listeners, not an error.
            if (text.error() == ENOENT && file.family == 6 && ::access((process_dir + "/net").c_str(), F_OK) == 0)
                continue;
            return fail("procfs", fmt::format("cannot read {}: {}", path, describe_errno(text.error())));
        }
        auto parsed = parse_proc_net(*text, file.proto, file.family);
        if (!parsed) return std::unexpected(parsed.error());
        listeners.insert(listeners.end(), std::make_move_iterator(parsed->begin()),
                         std::make_move_iterator(parsed->end()));
    }
    return listeners;
}

void name_owners(std::vector<Listener>& listeners, SocketOwnerScan& scan, unsigned long netns_inode,
                 const std::vector<int>& likely, const std::function<bool(const Listener&)>& which) {
    std::set<unsigned long> wanted;
    for (const Listener& l : listeners)
        if (l.inode != 0 && (!which || which(l))) wanted.insert(l.inode);  // inode 0: the kernel's own socket
    const auto owners = scan.owners_of(wanted, netns_inode, likely);
    for (Listener& listener : listeners) {
        if (!wanted.contains(listener.inode)) continue;
        if (auto it = owners.find(listener.inode); it != owners.end()) listener.owners = it->second;
        for (SocketOwner& owner : listener.owners) owner.cgroup = scan.cgroup_of(owner.pid);
    }
}

Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid, SocketOwnerScan& scan,
                                             TcpListenerSource tcp_source) {
    auto listeners = list_listeners(proc_root, pid, tcp_source);
    if (!listeners || listeners->empty()) return listeners;
    // Without the namespace's identity, match all processes: socket inodes are unique anyway.
    const std::string process_dir = pid == 0 ? proc_root + "/self" : fmt::format("{}/{}", proc_root, pid);
    const unsigned long netns = netns_inode_of(process_dir).value_or(0);
    name_owners(*listeners, scan, netns, pid == 0 ? std::vector<int>{} : scan.process_tree(pid));
    return listeners;
}

}  // namespace dnd
