#pragma once
// One HTTP/1.1 GET to the Docker engine over its unix socket or TCP (Boost.Beast on
// Boost.Asio, header-only: nothing is loaded at start-up for it). One deadline bounds the
// whole exchange (connect, request, head, and the body unless told otherwise), not each
// read, so an engine dripping its answer a byte at a time is cut off; the head is bounded in
// size, so endless headers cannot grow the process. The body comes in pieces to a callback,
// which bounds it. How the exchange ended is returned for the caller to word.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "docknetdoctor/collect/docker_api.hpp"

namespace dnd {

// The most a head (status line and headers) may take: the engine's are under 1 KiB.
inline constexpr std::size_t kMaxEngineHeadBytes = 64 * 1024;

struct EngineHttpHead {
    int status = 0;
    std::string api_version;  // API-Version header, "" when absent
    std::string server;       // Server header, "" when absent
};

enum class EngineHttpEnd {
    complete,        // the whole answer was read
    refused,         // a callback returned false
    cancelled,       // the canceller was called
    deadline,        // the deadline passed first
    connect_failed,  // system_errno says why, detail in the system's words
    resolve_failed,  // the TCP host name did not resolve; detail says why
    write_failed,    // the engine closed the connection while the request was sent
    closed_early,    // the engine closed the connection before the answer was complete
    head_too_long,   // the head passed kMaxEngineHeadBytes
    malformed,       // not HTTP; detail says what
};

struct EngineHttpOutcome {
    EngineHttpEnd end = EngineHttpEnd::complete;
    int system_errno = 0;
    std::string detail;
};

struct EngineHttpCallbacks {
    // The head, once in: false stops the exchange (refused).
    std::function<bool(const EngineHttpHead&)> on_head;
    // Each piece of the body as it comes: false stops the exchange (refused).
    std::function<bool(std::string_view piece)> on_body;
    // Given, before the exchange starts, a function that cancels it from any thread; given
    // an empty function once the exchange is over, after which the first must not be called.
    std::function<void(std::function<void()> cancel)> on_cancellable;
};

// GET target from the engine. With deadline_covers_body false, the deadline stops at the
// head: a stream that stays silent for hours after it is not cut off.
EngineHttpOutcome engine_http_get(const DockerEndpoint& endpoint, const std::string& target,
                                  std::chrono::milliseconds deadline, bool deadline_covers_body,
                                  const EngineHttpCallbacks& callbacks);

}  // namespace dnd
