#include "docknetdoctor/collect/request_watchdog.hpp"

#include <unistd.h>

#include <cstdio>

namespace dnd {
namespace {

// Often enough that a fast stream of headers adds little past the bound (one poll's worth).
constexpr std::chrono::milliseconds kPollInterval{5};

}  // namespace

std::size_t resident_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "re");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    const int got = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    if (got != 2) return 0;
    return static_cast<std::size_t>(resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

RequestWatchdog::RequestWatchdog(std::chrono::milliseconds timeout, std::size_t max_growth_bytes,
                                 std::function<void()> cancel)
    : cancel_(std::move(cancel)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    thread_ = std::thread([this, deadline, max_growth_bytes] { watch(deadline, max_growth_bytes); });
}

RequestWatchdog::~RequestWatchdog() { finish(); }

RequestWatchdog::Tripped RequestWatchdog::finish() {
    {
        std::lock_guard lock(mutex_);
        finished_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    return tripped_;
}

void RequestWatchdog::watch(std::chrono::steady_clock::time_point deadline, std::size_t max_growth_bytes) {
    const std::size_t baseline = resident_bytes();
    std::unique_lock lock(mutex_);
    while (!finished_) {
        if (wake_.wait_for(lock, kPollInterval, [this] { return finished_; })) return;
        const bool past_deadline = std::chrono::steady_clock::now() >= deadline;
        const std::size_t now = resident_bytes();
        const bool grew = baseline != 0 && now > baseline && now - baseline > max_growth_bytes;
        if (!past_deadline && !grew) continue;
        tripped_ = past_deadline ? Tripped::deadline : Tripped::memory;
        cancel_();
        return;
    }
}

}  // namespace dnd
