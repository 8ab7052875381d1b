// Entering a network namespace on a thread of its own: setns(CLONE_NEWNET) changes only the
// calling thread, so that thread does the work and exits; no later work runs in the wrong
// namespace by accident.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/probe/probe.hpp"

namespace dnd {
namespace {


std::string privilege_hint(int error) {
    return error == EPERM || error == EACCES ? " (needs root or CAP_SYS_ADMIN)" : "";
}

}  // namespace

Result<void> run_in_netns(const std::string& netns_path, const std::function<void()>& work) {
    UniqueFd netns(::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (netns.get() < 0) {
        const int error = errno;
        return fail("probe", fmt::format("cannot open network namespace {}: {}{}", netns_path,
                                         std::strerror(error), privilege_hint(error)));
    }
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
    if (setns_error == EINVAL) return fail("probe", fmt::format("{} is not a network namespace", netns_path));
    if (setns_error != 0)
        return fail("probe", fmt::format("cannot enter network namespace {}: {}{}", netns_path,
                                         std::strerror(setns_error), privilege_hint(setns_error)));
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
