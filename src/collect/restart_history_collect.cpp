// A container's recent runs from the engine. `until` makes /events a finite stream (the
// engine answers with the events it has kept and closes); the filter keeps it to this
// container's die and start events, so the answer stays small on a busy engine.
#include "docknetdoctor/collect/restart_history_collect.hpp"

#include <system_error>
#include <thread>

#include <fmt/format.h>

namespace dnd {
namespace {

// "1764340200.123456789": the engine's since/until form (seconds.nanoseconds since the epoch).
std::string unix_time_text(UtcTime t) {
    const auto since_epoch = t.time_since_epoch();
    const auto whole = std::chrono::floor<std::chrono::seconds>(since_epoch);
    return fmt::format("{}.{:09}", whole.count(), (since_epoch - whole).count());
}

std::string percent_encoded(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::string events_path(const Container& c, UtcTime since, UtcTime until) {
    const std::string filters =
        fmt::format(R"({{"container":["{}"],"type":["container"],"event":["die","start"]}})", c.id);
    return fmt::format("/events?since={}&until={}&filters={}", unix_time_text(since), unix_time_text(until),
                       percent_encoded(filters));
}

}  // namespace

UtcTime utc_now() { return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()); }

RestartHistory read_restart_history(const DockerClient& client, const Container& c, UtcTime now) {
    RestartHistory history;
    const UtcTime since = now - kRestartHistoryWindow;
    history.since = format_rfc3339(since, 3);
    history.until = format_rfc3339(now, 3);

    auto read_logs = [&] {
        const auto path = fmt::format("/containers/{}/logs?stdout=1&stderr=1&tail={}&timestamps=0", c.id, kLogTailLines);
        history.log_tail = client.get_parsed<std::vector<std::string>>(
            path, [&](std::string_view body) { return parse_log_tail(body, !c.tty, kLogTailLines); });
    };
    std::thread logs_worker;
    try {
        logs_worker = std::thread(read_logs);
    } catch (const std::system_error&) {
        read_logs();  // no thread to spare: one after the other, still correct
    }
    history.events = client.get_parsed<std::vector<ContainerEvent>>(events_path(c, since, now), parse_container_events);
    if (logs_worker.joinable()) logs_worker.join();
    return history;
}

}  // namespace dnd
