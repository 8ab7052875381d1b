#pragma once
// One bound over a whole request to the engine, kept by a thread of its own. httplib's
// timeouts bound each read, so an engine that drips its headers a byte at a time would
// never end; and httplib keeps every header line it is sent, so endless headers would grow
// the process without limit. The watchdog cancels (shuts the connection down) once, at the
// deadline or when the process's resident memory has grown past a bound since it started.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

namespace dnd {

class RequestWatchdog {
public:
    enum class Tripped { no, deadline, memory };

    RequestWatchdog(std::chrono::milliseconds timeout, std::size_t max_growth_bytes, std::function<void()> cancel);
    ~RequestWatchdog();  // stops watching; joins the thread
    RequestWatchdog(const RequestWatchdog&) = delete;
    RequestWatchdog& operator=(const RequestWatchdog&) = delete;

    // Stops watching; what tripped, if anything did before.
    Tripped finish();

private:
    void watch(std::chrono::steady_clock::time_point deadline, std::size_t max_growth_bytes);

    std::function<void()> cancel_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool finished_ = false;
    Tripped tripped_ = Tripped::no;
    std::thread thread_;
};

// The process's resident set in bytes (/proc/self/statm), 0 when unreadable.
std::size_t resident_bytes();

}  // namespace dnd
