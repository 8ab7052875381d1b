// watch's view of the engine's /events (engine_events.hpp).
#include "docknetdoctor/collect/engine_events.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <limits>

#include <fmt/format.h>

namespace dnd {
namespace {

// One event line is a small JSON object; a line this long is no event.
constexpr std::size_t kMaxEventLine = 1 << 20;
// What of each word handed on (type, action, actor's name) is kept: the engine's words are
// short, and a stream's are anyone's who can reach the socket.
constexpr std::size_t kMaxWordChars = 200;

}  // namespace

bool event_can_change_diagnosis(std::string_view type, std::string_view action) {
    if (type == "network") return true;
    if (type != "container" && !type.empty()) return false;
    // "exec_start: sh -c ..." and "health_status: healthy" carry their detail after a colon.
    const std::string_view verb = action.substr(0, action.find(':'));
    constexpr std::array kNoChange{"exec_create", "exec_start", "exec_die", "exec_detach", "attach",   "detach",
                                   "resize",      "top",        "commit",   "copy",        "export", "archive-path",
                                   "extract-to-dir"};
    return std::find(kNoChange.begin(), kNoChange.end(), verb) == kNoChange.end();
}

std::string events_path(long long since_nano) {
    // filters={"type":["container","network"]}, URL-encoded.
    return fmt::format("/events?since={}.{:09}&filters=%7B%22type%22%3A%5B%22container%22%2C%22network%22%5D%7D",
                       since_nano / 1000000000, since_nano % 1000000000);
}

EngineEventFollower::EngineEventFollower(DockerEndpoint endpoint, std::chrono::milliseconds timeout, long long since_nano,
                                         std::function<void(std::string)> on_event,
                                         std::function<void(std::string)> on_trouble, std::chrono::milliseconds retry_after)
    : endpoint_(std::move(endpoint)), timeout_(timeout), since_nano_(since_nano), on_event_(std::move(on_event)),
      on_trouble_(std::move(on_trouble)), retry_after_(retry_after), thread_([this] { run(); }) {}

EngineEventFollower::~EngineEventFollower() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stopper_.stop();
    wake_.notify_all();
    thread_.join();
}

void EngineEventFollower::run() {
    std::string broken;  // the last break handed on
    for (;;) {
        Result<void> ended;
        try {
            ended = follow_once([&] {
                if (!broken.empty()) on_trouble_("");  // open again: what changed meanwhile is unknown
                broken.clear();
            });
        } catch (const std::exception& e) {  // never past the thread: that would end the process
            ended = fail(std::string(kDockerApiSource), fmt::format("following the engine's events: {}", e.what()));
        }
        if (stopper_.stopped()) return;
        const std::string why = ended ? std::string("the engine ended its event stream") : ended.error().message;
        if (why != broken) on_trouble_(why);
        broken = why;
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, retry_after_, [this] { return stopping_; })) return;
    }
}

Result<void> EngineEventFollower::follow_once(const std::function<void()>& on_open) {
    DockerClient client(endpoint_, timeout_);
    if (auto ping = client.negotiate(); !ping) return std::unexpected(ping.error());
    partial_line_.clear();
    return client.stream(
        events_path(since_nano_), on_open, [this](std::string_view piece) { return on_data(piece); }, stopper_);
}

std::optional<Error> EngineEventFollower::on_data(std::string_view piece) {
    partial_line_.append(piece);
    std::size_t start = 0;
    for (std::size_t end; (end = partial_line_.find('\n', start)) != std::string::npos; start = end + 1) {
        const std::string_view line(partial_line_.data() + start, end - start);
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto event = parse_engine_event(line);
        if (!event) {  // skipped: ending the stream would only have it sent again
            on_trouble_(fmt::format("skipped a malformed engine event: {}", event.error().message));
            continue;
        }
        // A reconnection starts after it (a time at the end of the range is no event's).
        if (event->time_nano < std::numeric_limits<long long>::max())
            since_nano_ = std::max(since_nano_, event->time_nano + 1);
        if (event_can_change_diagnosis(event->type, event->action))
            on_event_(fmt::format("{} {} {}",
                                  event->type.empty() ? "container" : event->type.substr(0, kMaxWordChars),
                                  event->action.substr(0, kMaxWordChars), event->actor.substr(0, kMaxWordChars)));
    }
    partial_line_.erase(0, start);
    if (partial_line_.size() > kMaxEventLine)
        return Error{std::string(kDockerApiSource),
                     fmt::format("an engine event longer than {} KiB: refused", kMaxEventLine >> 10)};
    return std::nullopt;
}

}  // namespace dnd
