#pragma once
// Following the engine's /events for watch: on a thread of its own, every event that can
// change a diagnosis (a container started, died, was paused, renamed or changed health; a
// network was connected) is handed on as a short text ("container die web"). When the
// stream breaks (the engine restarts) it is asked again from the last event seen, so none is
// missed; each break is handed on too.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "docknetdoctor/collect/docker_api.hpp"

namespace dnd {

// Whether an event of this type and action can change what a diagnosis finds: not the
// execs a health check runs every few seconds, nor attach, resize, top, copy, export.
// Engines before API 1.22 name no type: their events are containers'.
bool event_can_change_diagnosis(std::string_view type, std::string_view action);

// since/filters of GET /events: from `since_nano` (ns since 1970) on, containers and networks.
std::string events_path(long long since_nano);

class EngineEventFollower {
public:
    // on_event: the event, in words ("container die web"). on_trouble: why the stream broke
    // (it is asked again every retry_after; a reason is handed on once, not at each retry),
    // or an event line that could not be read (skipped); "" once the stream is open again
    // after a break. Both are called on the follower's thread.
    EngineEventFollower(DockerEndpoint endpoint, std::chrono::milliseconds timeout, long long since_nano,
                        std::function<void(std::string)> on_event, std::function<void(std::string)> on_trouble,
                        std::chrono::milliseconds retry_after = std::chrono::seconds(1));
    ~EngineEventFollower();  // stops the stream and joins the thread
    EngineEventFollower(const EngineEventFollower&) = delete;
    EngineEventFollower& operator=(const EngineEventFollower&) = delete;

private:
    void run();
    // One connection's stream, from since_nano_ on; returns why it ended. on_open: it is open.
    Result<void> follow_once(const std::function<void()>& on_open);
    std::optional<Error> on_data(std::string_view piece);

    DockerEndpoint endpoint_;
    std::chrono::milliseconds timeout_;
    long long since_nano_;
    std::function<void(std::string)> on_event_;
    std::function<void(std::string)> on_trouble_;
    std::chrono::milliseconds retry_after_;
    std::string partial_line_;
    DockerClient::StreamStopper stopper_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace dnd
