// The probe sockets' share of the process's file descriptors.
#include "socket_budget.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace dnd {
namespace {

constexpr std::size_t kFdReserve = 16;
constexpr std::size_t kMaxOpenProbes = 4096;

}  // namespace

std::size_t probe_socket_budget() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kMaxOpenProbes;
    std::size_t open = 0;
    std::error_code ignored;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ignored);
         it != std::filesystem::directory_iterator(); it.increment(ignored))
        ++open;
    const std::size_t cap = static_cast<std::size_t>(limit.rlim_cur);
    const std::size_t used = open + kFdReserve + 1;  // +1: the prober's epoll descriptor
    return std::clamp<std::size_t>(cap > used ? cap - used : 1, 1, kMaxOpenProbes);
}

}  // namespace dnd
