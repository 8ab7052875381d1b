// Entering a network namespace on a thread of its own: setns(CLONE_NEWNET) changes only the
// calling thread, so that thread does the work and exits; no later work runs in the wrong
// namespace by accident. NetnsSockets visits namespaces only to make sockets there.
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "netns_sockets.hpp"

namespace dnd {
namespace {

// Opening another user's /proc/PID/ns/net is a ptrace-mode access check; setns() itself
// needs CAP_SYS_ADMIN: the hint names the capability that the failing step lacked.
std::string privilege_hint(int error, std::string_view capability) {
    return error == EPERM || error == EACCES ? fmt::format(" (needs root or {})", capability) : "";
}

}  // namespace

Error netns_open_error(const std::string& netns_path, int error) {
    return Error{"probe", fmt::format("cannot open network namespace {}: {}{}", netns_path, std::strerror(error),
                                      privilege_hint(error, "CAP_SYS_PTRACE"))};
}

Error netns_enter_error(const std::string& netns_path, int error) {
    if (error == EINVAL) return Error{"probe", fmt::format("{} is not a network namespace", netns_path)};
    return Error{"probe", fmt::format("cannot enter network namespace {}: {}{}", netns_path, std::strerror(error),
                                      privilege_hint(error, "CAP_SYS_ADMIN"))};
}

NetnsSockets::NetnsSockets() : home_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    if (!home_.valid())
        throw std::runtime_error(fmt::format("cannot open this thread's network namespace: {}", std::strerror(errno)));
}

Result<void> NetnsSockets::enter(const std::string& netns_path) {
    if (netns_path == current_) return {};
    if (auto known = unenterable_.find(netns_path); known != unenterable_.end()) return std::unexpected(known->second);
    if (netns_path.empty()) {
        go_home();
        return {};
    }
    UniqueFd netns(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns.valid()) return std::unexpected(unenterable_.emplace(netns_path, netns_open_error(netns_path, errno)).first->second);
    if (::setns(netns.get(), CLONE_NEWNET) != 0)
        return std::unexpected(unenterable_.emplace(netns_path, netns_enter_error(netns_path, errno)).first->second);
    current_ = netns_path;
    return {};
}

Result<UniqueFd> make_socket_here(int family, int type, int protocol) {
    UniqueFd socket(::socket(family, type, protocol));
    if (!socket.valid()) return fail("probe", fmt::format("socket: {}", std::strerror(errno)));
    return socket;
}

Result<UniqueFd> NetnsSockets::make(const std::string& netns_path, int family, int type, int protocol) {
    if (auto entered = enter(netns_path); !entered) return std::unexpected(entered.error());
    return make_socket_here(family, type, protocol);
}

void NetnsSockets::go_home() {
    if (current_.empty()) return;
    if (::setns(home_.get(), CLONE_NEWNET) != 0)
        throw std::runtime_error(
            fmt::format("cannot return to the prober's own network namespace: {}", std::strerror(errno)));
    current_.clear();
}

Result<void> run_in_netns(const std::string& netns_path, const std::function<void()>& work) {
    UniqueFd netns(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (netns.get() < 0) return std::unexpected(netns_open_error(netns_path, errno));
    int setns_error = 0;
    std::string work_failure;
    try {
        std::thread worker([&] {
            if (::setns(netns.get(), CLONE_NEWNET) != 0) {
                setns_error = errno;
                return;
            }
            try {
                work();
            } catch (const std::exception& e) {
                work_failure = e.what();
            } catch (...) {
                work_failure = "unknown exception";
            }
        });
        worker.join();
    } catch (const std::system_error& e) {
        return fail("probe", fmt::format("cannot start a thread to enter {}: {}", netns_path, e.what()));
    }
    if (setns_error != 0) return std::unexpected(netns_enter_error(netns_path, setns_error));
    if (!work_failure.empty())
        return fail("probe", fmt::format("probe in network namespace {} failed: {}", netns_path, work_failure));
    return {};
}

Result<std::vector<ProbeOutcome>> probe_batch_in_netns(const std::string& netns_path,
                                                        std::span<const ProbeTarget> targets,
                                                        std::chrono::milliseconds deadline,
                                                        std::chrono::milliseconds reset_grace) {
    std::vector<ProbeOutcome> outcomes;
    auto entered = run_in_netns(netns_path, [&] { outcomes = probe_batch(targets, deadline, reset_grace); });
    if (!entered) return std::unexpected(entered.error());
    return outcomes;
}

}  // namespace dnd
