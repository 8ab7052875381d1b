// See engine_process.hpp.
#include "docknetdoctor/engine_process.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "docknetdoctor/unique_fd.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr std::string_view kRootlesskitVariable = "ROOTLESSKIT_STATE_DIR=";
constexpr std::size_t kMaxKeptValue = 4096;  // a path; anything longer is not one we show whole

Error engine_process_error(std::string message) { return Error{"engine-process", std::move(message)}; }

std::optional<std::string> resolved_path(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr), &std::free);
    if (!resolved) return std::nullopt;
    return std::string(resolved.get());
}

// "/usr/sbin/dockerd", also after an upgrade replaced the file: "/usr/sbin/dockerd (deleted)".
bool is_dockerd_executable(std::string_view exe) {
    constexpr std::string_view kDeleted = " (deleted)";
    if (exe.ends_with(kDeleted)) exe.remove_suffix(kDeleted.size());
    const auto slash = exe.rfind('/');
    return exe.substr(slash == std::string_view::npos ? 0 : slash + 1) == "dockerd";
}

// The value of one variable in a NUL-separated environment block.
std::optional<std::string> environment_value(std::string_view environ_block, std::string_view prefix) {
    while (!environ_block.empty()) {
        const auto end = environ_block.find('\0');
        const std::string_view entry = environ_block.substr(0, end);
        if (entry.starts_with(prefix)) return std::string(entry.substr(prefix.size(), kMaxKeptValue));
        if (end == std::string_view::npos) break;
        environ_block.remove_prefix(end + 1);
    }
    return std::nullopt;
}

}  // namespace

Result<int> unix_socket_listener_pid(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return std::unexpected(engine_process_error("socket path too long"));
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    // Non-blocking: a full backlog is an error here, not a wait. The peer credentials are
    // those of the process that called listen(), fixed at connect().
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0 || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return std::unexpected(engine_process_error(fmt::format("cannot connect to {}: {}", path, std::strerror(errno))));
    ucred peer{};
    socklen_t size = sizeof peer;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.pid <= 0)
        return std::unexpected(engine_process_error(fmt::format("no peer credentials on {}", path)));
    return peer.pid;
}

Result<EngineProcess> read_dockerd_process(const std::string& proc_root, int pid, std::string found_as) {
    const std::string dir = fmt::format("{}/{}", proc_root, pid);
    auto exe = read_link(dir + "/exe");
    if (!exe) return std::unexpected(engine_process_error(fmt::format("cannot read {}/exe: {}", dir, std::strerror(errno))));
    if (!is_dockerd_executable(*exe))
        return std::unexpected(engine_process_error(fmt::format("process {} is {}, not dockerd", pid, *exe)));
    auto environ_block = read_text_file(dir + "/environ");
    if (!environ_block)
        return std::unexpected(engine_process_error(
            fmt::format("cannot read {}/environ: {}", dir, std::strerror(environ_block.error()))));
    EngineProcess process;
    process.pid = pid;
    process.exe = std::move(*exe);
    process.found_as = std::move(found_as);
    process.rootlesskit_state_dir = environment_value(*environ_block, kRootlesskitVariable);
    return process;
}

std::optional<unsigned long> unix_listener_inode(std::string_view proc_net_unix, const std::string& socket_path) {
    const auto wanted = resolved_path(socket_path).value_or(socket_path);
    constexpr unsigned long kAcceptingConnections = 0x10000;  // __SO_ACCEPTCON in the Flags column
    // "Num: RefCount Protocol Flags Type St Inode Path", numbers in hex but the inode.
    while (!proc_net_unix.empty()) {
        const auto end = proc_net_unix.find('\n');
        std::string_view line = proc_net_unix.substr(0, end);
        proc_net_unix.remove_prefix(end == std::string_view::npos ? proc_net_unix.size() : end + 1);
        std::string_view fields[7];
        std::size_t count = 0;
        while (count < 7) {
            const auto start = line.find_first_not_of(' ');
            if (start == std::string_view::npos) break;
            line.remove_prefix(start);
            const auto stop = line.find(' ');
            fields[count++] = line.substr(0, stop);
            line.remove_prefix(stop == std::string_view::npos ? line.size() : stop);
        }
        if (count < 7 || line.size() < 2 || line.front() != ' ') continue;  // header, unbound sockets
        const std::string path(line.substr(1));
        unsigned long flags = 0;
        unsigned long inode = 0;
        char* parse_end = nullptr;
        const std::string flags_text(fields[3]);
        flags = std::strtoul(flags_text.c_str(), &parse_end, 16);
        if (*parse_end != '\0' || !(flags & kAcceptingConnections)) continue;
        const std::string inode_text(fields[6]);
        inode = std::strtoul(inode_text.c_str(), &parse_end, 10);
        if (*parse_end != '\0' || path.front() == '@') continue;  // abstract sockets have no file
        if (path == wanted || resolved_path(path) == wanted) return inode;
    }
    return std::nullopt;
}

ListenerSearch find_listening_dockerd(const std::string& proc_root, const std::string& socket_path) {
    ListenerSearch search;
    auto pid = unix_socket_listener_pid(socket_path);
    if (!pid) {
        search.found = std::unexpected(pid.error());
        return search;
    }
    const std::string dir = fmt::format("{}/{}", proc_root, *pid);
    auto exe = read_link(dir + "/exe");
    if (!exe) {
        search.found = std::unexpected(engine_process_error(fmt::format("cannot read {}/exe: {}", dir, std::strerror(errno))));
        return search;
    }
    if (!is_dockerd_executable(*exe)) {
        search.found = std::unexpected(engine_process_error(fmt::format("the API socket's listener {} is {}, not dockerd", *pid, *exe)));
        search.look_among_holders = true;
        return search;
    }
    search.found = read_dockerd_process(proc_root, *pid, "listener of the API socket");
    return search;
}

Result<EngineProcess> dockerd_holding_unix_listener(const std::string& proc_root, const std::string& socket_path,
                                                    SocketOwnerScan& scan) {
    const std::string self = proc_root + "/thread-self";
    auto table = read_text_file(self + "/net/unix");
    if (!table) return std::unexpected(engine_process_error(fmt::format("cannot read {}/net/unix", self)));
    const auto inode = unix_listener_inode(*table, socket_path);
    if (!inode) return std::unexpected(engine_process_error(fmt::format("no listener on {} in this netns", socket_path)));
    const auto netns = netns_inode_of(self);
    if (!netns) return std::unexpected(engine_process_error("cannot read this thread's netns"));
    const auto owners = scan.owners_in(*netns);
    const auto holders = owners.find(*inode);
    if (holders == owners.end())
        return std::unexpected(engine_process_error(fmt::format("no readable process holds {}", socket_path)));
    for (const SocketOwner& holder : holders->second) {
        if (holder.process != "dockerd") continue;  // comm; the executable decides below
        if (auto process = read_dockerd_process(proc_root, holder.pid, "holds the API socket, which another process listens on (socket activation)"))
            return process;
    }
    return std::unexpected(engine_process_error(fmt::format("no dockerd holds {}", socket_path)));
}

}  // namespace dnd
