#pragma once
// Asks the engine for a container's recent runs (RestartHistory, facts.hpp), when it shows a
// sign of a restart loop: its die and start events in the window before now, and the last
// lines of its log. Both requests run at the same time.
#include <chrono>
#include <cstddef>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/rfc3339.hpp"

namespace dnd {

// Two runs of up to a minute each: with a run of 10 s or more the engine resets its back-off
// to 100 ms, so a loop whose runs last up to a minute still dies twice in this window.
inline constexpr std::chrono::seconds kRestartHistoryWindow{120};
// docker logs --tail N: enough for the crash's own message, short enough for evidence.
inline constexpr std::size_t kLogTailLines = 3;

// /events?since=&until=&filters=... and /containers/ID/logs?tail=N. A failed request leaves
// its slot with the error (a blind spot); the other is still read.
RestartHistory read_restart_history(const DockerClient& client, const Container& c, UtcTime now);

// The system clock as a UtcTime.
UtcTime utc_now();

}  // namespace dnd
