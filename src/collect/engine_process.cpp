// See engine_process.hpp.
#include "docknetdoctor/collect/engine_process.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr std::string_view kRootlesskitVariable = "ROOTLESSKIT_STATE_DIR=";
constexpr std::size_t kMaxKeptValue = 4096;  // a path; anything longer is not one we show whole

std::unexpected<Error> engine_process_error(std::string message) {
    return std::unexpected(Error{"engine-process", std::move(message)});
}

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

// The value of one variable in a NUL-separated environment block; empty counts as unset,
// as in dockerd's own test.
std::optional<std::string> environment_value(std::string_view environ_block, std::string_view prefix) {
    while (!environ_block.empty()) {
        const auto end = environ_block.find('\0');
        const std::string_view entry = environ_block.substr(0, end);
        if (entry.starts_with(prefix) && entry.size() > prefix.size())
            return std::string(entry.substr(prefix.size(), kMaxKeptValue));
        if (end == std::string_view::npos) break;
        environ_block.remove_prefix(end + 1);
    }
    return std::nullopt;
}

Result<std::string> executable_of(const std::string& process_dir) {
    auto exe = read_link(process_dir + "/exe");
    if (!exe) return engine_process_error(fmt::format("cannot read {}/exe (no permission, gone, or too long)", process_dir));
    return std::move(*exe);
}

bool shares_an_inode(const std::vector<unsigned long>& sorted_a, const std::vector<unsigned long>& sorted_b) {
    std::vector<unsigned long> common;
    std::set_intersection(sorted_a.begin(), sorted_a.end(), sorted_b.begin(), sorted_b.end(), std::back_inserter(common));
    return !common.empty();
}

// The process at dir, whose executable is exe, as the engine.
Result<EngineProcess> dockerd_process(const std::string& dir, int pid, std::string exe, std::string found_as) {
    if (!is_dockerd_executable(exe)) return engine_process_error(fmt::format("process {} is {}, not dockerd", pid, exe));
    auto environ_block = read_text_file(dir + "/environ");
    if (!environ_block)
        return engine_process_error(fmt::format("cannot read {}/environ: {}", dir, std::strerror(environ_block.error())));
    EngineProcess process;
    process.pid = pid;
    process.exe = std::move(exe);
    process.found_as = std::move(found_as);
    process.rootlesskit_state_dir = environment_value(*environ_block, kRootlesskitVariable);
    return process;
}

}  // namespace

Result<int> unix_socket_listener_pid(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return engine_process_error("socket path too long");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    // Non-blocking: a full backlog is an error here, not a wait. The peer credentials are
    // those of the process that called listen(), fixed at connect(). pid 0: it is in a pid
    // namespace we cannot see (we run in a container with the socket mounted).
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0 || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return engine_process_error(fmt::format("cannot connect to {}: {}", path, std::strerror(errno)));
    ucred peer{};
    socklen_t size = sizeof peer;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0 || peer.pid <= 0)
        return engine_process_error(fmt::format("no visible peer process on {}", path));
    return peer.pid;
}

Result<EngineProcess> read_dockerd_process(const std::string& proc_root, int pid, std::string found_as) {
    const std::string dir = fmt::format("{}/{}", proc_root, pid);
    auto exe = executable_of(dir);
    if (!exe) return std::unexpected(exe.error());
    return dockerd_process(dir, pid, std::move(*exe), std::move(found_as));
}

std::vector<unsigned long> unix_listener_inodes(std::string_view proc_net_unix, const std::string& socket_path) {
    const auto wanted = resolved_path(socket_path).value_or(socket_path);
    constexpr unsigned long kAcceptingConnections = 0x10000;  // __SO_ACCEPTCON in the Flags column
    std::vector<unsigned long> inodes;
    // "Num: RefCount Protocol Flags Type St Inode Path": hex numbers, a decimal inode.
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
        if (count < 7 || line.size() < 2 || line.front() != ' ') continue;  // the header, unbound sockets
        const std::string path(line.substr(1));
        if (path.front() == '@') continue;  // an abstract name: no file to match
        unsigned long flags = 0;
        unsigned long inode = 0;
        const auto [flags_end, flags_error] = std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), flags, 16);
        const auto [inode_end, inode_error] = std::from_chars(fields[6].data(), fields[6].data() + fields[6].size(), inode);
        if (flags_error != std::errc{} || inode_error != std::errc{} || !(flags & kAcceptingConnections)) continue;
        if (path == wanted || resolved_path(path) == wanted) inodes.push_back(inode);
    }
    std::sort(inodes.begin(), inodes.end());
    return inodes;
}

Result<EngineProcess> find_engine_process(const std::string& proc_root, const std::string& socket_path) {
    auto listener = unix_socket_listener_pid(socket_path);
    if (!listener) return std::unexpected(listener.error());
    const std::string listener_dir = fmt::format("{}/{}", proc_root, *listener);
    auto listener_exe = executable_of(listener_dir);
    if (!listener_exe) return std::unexpected(listener_exe.error());
    if (is_dockerd_executable(*listener_exe))
        return dockerd_process(listener_dir, *listener, std::move(*listener_exe), "listener of the API socket");

    // Socket activation: the listening socket at the path that the listener holds...
    auto table = read_text_file(proc_root + "/thread-self/net/unix");
    if (!table) return engine_process_error(fmt::format("cannot read {}/thread-self/net/unix", proc_root));
    std::vector<unsigned long> api_sockets;
    const auto at_path = unix_listener_inodes(*table, socket_path);
    const auto held = socket_inodes_of(listener_dir);
    std::set_intersection(at_path.begin(), at_path.end(), held.begin(), held.end(), std::back_inserter(api_sockets));
    if (api_sockets.empty())
        return engine_process_error(
            fmt::format("the listener {} ({}) holds no socket listening at {} in this netns", *listener, *listener_exe, socket_path));
    // ... and the dockerd it started and handed it to.
    const std::string found_as =
        fmt::format("holds the API socket, which {} (pid {}) listens on: socket activation", *listener_exe, *listener);
    for (int child : child_pids(proc_root, *listener)) {
        const std::string child_dir = fmt::format("{}/{}", proc_root, child);
        auto exe = executable_of(child_dir);
        if (!exe || !is_dockerd_executable(*exe) || !shares_an_inode(socket_inodes_of(child_dir), api_sockets)) continue;
        return dockerd_process(child_dir, child, std::move(*exe), found_as);
    }
    return engine_process_error(
        fmt::format("the listener {} ({}) is not dockerd, and no dockerd it started holds {}", *listener, *listener_exe, socket_path));
}

EngineChildren read_engine_children(const std::string& proc_root, int engine_pid) {
    EngineChildren engine;
    engine.children = child_pids(proc_root, engine_pid);
    for (int pid : engine.children) {
        const auto argv = read_argv(fmt::format("{}/{}", proc_root, pid));
        if (!argv) continue;
        const auto flag = std::ranges::find(*argv, "-host-port");
        int port = 0;
        if (flag == argv->end() || std::next(flag) == argv->end()) continue;
        const std::string& text = *std::next(flag);
        if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
            ec == std::errc{} && end == text.data() + text.size())
            engine.proxies_by_port[port].push_back(pid);
    }
    return engine;
}

}  // namespace dnd
