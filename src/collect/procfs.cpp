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

std::string read_comm(const std::string& process_dir) {
    auto comm = read_text_file(process_dir + "/comm");
    if (!comm) return {};
    while (!comm->empty() && comm->back() == '\n') comm->pop_back();
    return *comm;
}

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

void SocketOwnerScan::list_processes() {
    listed_ = true;
    DirHandle proc(::opendir(proc_root_.c_str()));
    if (!proc) return;
    while (dirent* entry = ::readdir(proc.get())) {
        if (!is_pid_name(entry->d_name)) continue;
        int pid = 0;
        std::string_view name = entry->d_name;
        auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (ec == std::errc{} && end == name.data() + name.size()) processes_.push_back(Process{pid, {}, {}, {}, {}});
    }
    std::sort(processes_.begin(), processes_.end(), [](const Process& a, const Process& b) { return a.pid < b.pid; });
}

std::map<unsigned long, std::vector<SocketOwner>> SocketOwnerScan::owners_in(unsigned long netns_inode) {
    if (!listed_) list_processes();
    std::map<unsigned long, std::vector<SocketOwner>> owners;
    // Processes come and go while we scan; whatever cannot be read is simply not an owner.
    for (Process& p : processes_) {
        const std::string process_dir = fmt::format("{}/{}", proc_root_, p.pid);
        if (netns_inode != 0) {
            if (!p.netns) p.netns = netns_inode_of(process_dir).value_or(0);
            if (*p.netns != netns_inode) continue;
        }
        if (!p.sockets) {
            p.sockets = socket_inodes_of(process_dir);
            if (!p.sockets->empty()) p.comm = read_comm(process_dir);
        }
        for (unsigned long inode : *p.sockets) owners[inode].push_back(SocketOwner{p.pid, p.comm, {}});
    }
    return owners;
}

std::string SocketOwnerScan::cgroup_of(int pid) {
    if (!listed_) list_processes();
    auto it = std::lower_bound(processes_.begin(), processes_.end(), pid,
                               [](const Process& p, int wanted) { return p.pid < wanted; });
    if (it == processes_.end() || it->pid != pid) return {};
    if (!it->cgroup) {
        auto text = read_text_file(fmt::format("{}/{}/cgroup", proc_root_, pid));
        it->cgroup = text ? parse_proc_cgroup(*text) : std::string();
    }
    return *it->cgroup;
}

std::map<unsigned long, std::vector<SocketOwner>> socket_owners(const std::string& proc_root,
                                                                unsigned long netns_inode) {
    SocketOwnerScan scan(proc_root);
    return scan.owners_in(netns_inode);
}

Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid) {
    SocketOwnerScan scan(proc_root);
    return read_listeners(proc_root, pid, scan);
}

Result<std::vector<Listener>> read_listeners(const std::string& proc_root, int pid, SocketOwnerScan& scan,
                                             TcpListenerSource tcp_source) {
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
    if (listeners.empty()) return listeners;

    // Without the namespace's identity, match all processes: socket inodes are unique anyway.
    const unsigned long netns = netns_inode_of(process_dir).value_or(0);
    auto owners = scan.owners_in(netns);
    for (Listener& listener : listeners) {
        if (auto it = owners.find(listener.inode); it != owners.end()) listener.owners = it->second;
        for (SocketOwner& owner : listener.owners) owner.cgroup = scan.cgroup_of(owner.pid);
    }
    return listeners;
}

}  // namespace dnd
