// watch's parts that need no live host: the engine's events as recorded
// (fixtures/engine-api/events-watch.ndjson), following them through a break, the states
// and their changes, the lines printed, and the command line.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include <nlohmann/json.hpp>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/app/look_schedule.hpp"
#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/app/watch_mailbox.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/engine_events.hpp"
#include "docknetdoctor/model/verdict_change.hpp"
#include "docknetdoctor/render/watch_lines.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;
using testing::FakeEngine;
using testing::FakeReply;
using testing::http_response;
using testing::read_fixture;
using testing::TempDir;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        out.push_back(text.substr(start, end - start));
    return out;
}

TEST(EngineEvents, RecordedEventsParse) {
    const auto lines = lines_of(read_fixture("engine-api/events-watch.ndjson"));
    ASSERT_EQ(lines.size(), 20u);
    auto connect = parse_engine_event(lines[1]);
    ASSERT_TRUE(connect) << connect.error().message;
    EXPECT_EQ(connect->type, "network");
    EXPECT_EQ(connect->action, "connect");
    EXPECT_EQ(connect->actor, "wnet");
    auto exec = parse_engine_event(lines[2]);
    ASSERT_TRUE(exec);
    EXPECT_EQ(exec->action, "exec_create: true ");
    EXPECT_EQ(exec->actor, "w1");
    auto start = parse_engine_event(lines[18]);
    ASSERT_TRUE(start);
    EXPECT_EQ(start->action, "start");
    EXPECT_EQ(start->time_nano, nlohmann::json::parse(lines[18])["timeNano"].get<long long>());

    EXPECT_FALSE(parse_engine_event("{\"Type\": 3}"));
    EXPECT_FALSE(parse_engine_event("not json"));
    auto without_actor = parse_engine_event(R"({"status":"die","id":"abc","time":1700000000})");
    ASSERT_TRUE(without_actor) << without_actor.error().message;
    EXPECT_EQ(without_actor->actor, "abc");
    EXPECT_EQ(without_actor->time_nano, 1700000000LL * 1000000000);
}

TEST(EngineEvents, HealthCheckExecsDoNotCountAsChanges) {
    EXPECT_FALSE(event_can_change_diagnosis("container", "exec_create: nc -z 127.0.0.1 80"));
    EXPECT_FALSE(event_can_change_diagnosis("container", "exec_start: nc -z 127.0.0.1 80"));
    EXPECT_FALSE(event_can_change_diagnosis("container", "exec_die"));
    EXPECT_FALSE(event_can_change_diagnosis("container", "resize"));
    EXPECT_FALSE(event_can_change_diagnosis("image", "pull"));
    for (const char* action : {"start", "die", "kill", "stop", "pause", "unpause", "restart", "rename", "destroy",
                               "health_status: unhealthy"})
        EXPECT_TRUE(event_can_change_diagnosis("container", action)) << action;
    EXPECT_TRUE(event_can_change_diagnosis("network", "disconnect"));
}

TEST(EngineEvents, PathAsksFromTheGivenMomentForContainersAndNetworks) {
    EXPECT_EQ(events_path(1764900000000000042LL),
              "/events?since=1764900000.000000042&filters=%7B%22type%22%3A%5B%22container%22%2C%22network%22%5D%7D");
}

// The engine ends the stream (it restarted): the follower says so once, asks again from
// just after the last event it saw, and hands on every event that can change a diagnosis.
TEST(EngineEvents, FollowerHandsOnEventsAndResumesAfterTheLastOne) {
    const std::string recorded = read_fixture("engine-api/events-watch.ndjson");
    const auto lines = lines_of(recorded);
    const long long last = nlohmann::json::parse(lines.back())["timeNano"].get<long long>();
    const long long first_since = 1764900000LL * 1000000000;
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", [&](const std::string& target) -> FakeReply {
        if (target == "/_ping") return http_response(200, "OK");
        if (target == "/v1.41" + events_path(first_since)) return http_response(200, recorded);
        if (target == "/v1.41" + events_path(last + 1)) {
            // The resumed stream stays open and silent until the client goes.
            FakeReply open("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n");
            open.then = [](int client) {
                pollfd p{client, POLLIN, 0};
                if (::poll(&p, 1, 20) <= 0) return true;
                char byte = 0;
                return ::recv(client, &byte, 1, MSG_DONTWAIT) > 0;
            };
            return open;
        }
        return http_response(404, R"({"message":"unexpected"})");
    });
    auto endpoint = parse_docker_host(engine.endpoint());
    ASSERT_TRUE(endpoint);

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> events, breaks;
    {
        EngineEventFollower follower(
            *endpoint, 2s, first_since,
            [&](std::string e) {
                std::lock_guard lock(mutex);
                events.push_back(std::move(e));
                changed.notify_all();
            },
            [&](std::string why) {
                std::lock_guard lock(mutex);
                breaks.push_back(std::move(why));
                changed.notify_all();
            },
            10ms);
        auto resumed = [&] {
            const auto seen = engine.targets_seen();
            return std::count(seen.begin(), seen.end(), "/v1.41" + events_path(last + 1)) == 1;
        };
        std::unique_lock lock(mutex);
        changed.wait_for(lock, 5s, [&] { return events.size() >= 17 && breaks.size() >= 2; });
        lock.unlock();
        for (int i = 0; i < 250 && !resumed(); ++i) std::this_thread::sleep_for(20ms);
        EXPECT_TRUE(resumed());
    }  // the follower stops an open stream at once
    ASSERT_EQ(events.size(), 17u);  // the 20 recorded less the three of `docker exec`
    EXPECT_EQ(events[0], "network create wnet");
    EXPECT_EQ(events.back(), "container restart w1");
    EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const std::string& e) { return e.find("exec") != std::string::npos; }), 0);
    EXPECT_EQ(breaks, (std::vector<std::string>{"the engine ended its event stream", ""}));  // "": answering again
}

TEST(EngineEvents, AStoppedStreamIsNoError) {
    DockerClient::StreamStopper stopper;
    stopper.stop();
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", [](const std::string&) -> FakeReply { return http_response(200, "{}"); });
    auto endpoint = parse_docker_host(engine.endpoint());
    ASSERT_TRUE(endpoint);
    DockerClient client(*endpoint, 1s);
    bool called = false;
    auto ended = client.stream(
        "/events", [&] { called = true; },
        [&](std::string_view) -> std::optional<Error> {
            called = true;
            return std::nullopt;
        },
        stopper);
    EXPECT_TRUE(ended);
    EXPECT_FALSE(called);
    EXPECT_TRUE(engine.targets_seen().empty());
}

// What a follower saw, as its callbacks were called.
struct Seen {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> events, troubles;

    std::function<void(std::string)> into(std::vector<std::string>& list) {
        return [this, &list](std::string s) {
            std::lock_guard lock(mutex);
            list.push_back(std::move(s));
            changed.notify_all();
        };
    }
};

// A line that is no event is skipped with a note; the stream goes on.
TEST(EngineEvents, AMalformedLineIsSkippedAndTheStreamGoesOn) {
    const std::string lines = R"({"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{"name":"web"}},"timeNano":5})"
                              "\n{not json\n"
                              R"({"Type":"container","Action":"die","Actor":{"ID":"a","Attributes":{"name":"web"}},"timeNano":6})"
                              "\n";
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", [&](const std::string& target) -> FakeReply {
        if (target == "/_ping") return http_response(200, "OK");
        return http_response(200, lines);
    });
    auto endpoint = parse_docker_host(engine.endpoint());
    ASSERT_TRUE(endpoint);
    Seen seen;
    {
        EngineEventFollower follower(*endpoint, 2s, 0, seen.into(seen.events), seen.into(seen.troubles), 1h);
        std::unique_lock lock(seen.mutex);
        seen.changed.wait_for(lock, 5s, [&] { return seen.troubles.size() >= 2; });
    }
    EXPECT_EQ(seen.events, (std::vector<std::string>{"container start web", "container die web"}));
    ASSERT_GE(seen.troubles.size(), 2u);
    EXPECT_EQ(seen.troubles[0].rfind("skipped a malformed engine event: ", 0), 0u) << seen.troubles[0];
    EXPECT_EQ(seen.troubles[1], "the engine ended its event stream");
}

// An engine (or a socket proxy) that refuses /events: said once, however often it is asked
// again, and never taken for the stream being open again.
TEST(EngineEvents, ARefusedStreamIsSaidOnce) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", [&](const std::string& target) -> FakeReply {
        if (target == "/_ping") return http_response(200, "OK");
        return http_response(403, R"({"message":"events are not for you"})");
    });
    auto endpoint = parse_docker_host(engine.endpoint());
    ASSERT_TRUE(endpoint);
    Seen seen;
    {
        EngineEventFollower follower(*endpoint, 2s, 0, seen.into(seen.events), seen.into(seen.troubles), 5ms);
        auto asked = [&] {
            const auto targets = engine.targets_seen();
            return std::count_if(targets.begin(), targets.end(),
                                 [](const std::string& t) { return t.starts_with("/v1.41/events"); });
        };
        for (int i = 0; i < 500 && asked() < 5; ++i) std::this_thread::sleep_for(10ms);
        EXPECT_GE(asked(), 5);
    }
    ASSERT_EQ(seen.troubles.size(), 1u);
    EXPECT_EQ(seen.troubles[0].rfind("the Docker engine at ", 0), 0u);
    EXPECT_NE(seen.troubles[0].find("with HTTP 403: events are not for you"), std::string::npos) << seen.troubles[0];
    EXPECT_TRUE(seen.events.empty());
}

TEST(EngineEvents, EnginesBeforeTypesReportContainers) {
    EXPECT_TRUE(event_can_change_diagnosis("", "die"));
    EXPECT_FALSE(event_can_change_diagnosis("", "exec_start: sh"));
}

TEST(LookSchedule, ALookWaitsForTheBurstToGoQuietAtMostASecond) {
    using Clock = LookSchedule::Clock;
    const Clock::time_point t0{};
    LookSchedule s(60s, t0);
    EXPECT_EQ(s.next_wake(), t0 + 60s);
    EXPECT_FALSE(s.due(t0 + 1s));
    s.announce("nftables", t0 + 1s);
    s.announce("engine: container start web", t0 + 1s + 200ms);
    EXPECT_EQ(s.next_wake(), t0 + 1s + 500ms);  // 300 ms after the last
    EXPECT_FALSE(s.due(t0 + 1s + 400ms));
    EXPECT_EQ(s.due(t0 + 1s + 500ms), "nftables");  // the first names the look
    s.looked(t0 + 1s + 550ms);
    EXPECT_EQ(s.next_wake(), t0 + 4s + 500ms);  // settling, 3 s on
    EXPECT_EQ(s.due(t0 + 4s + 500ms), "recheck, settling after a change");
    EXPECT_EQ(s.next_wake(), t0 + 61s + 550ms);
    EXPECT_EQ(s.due(t0 + 61s + 550ms), "recheck");
    s.looked(t0 + 61s + 600ms);

    // Announcements that never stop: a look after 1 s all the same.
    for (auto t = t0 + 70s; t < t0 + 71s; t += 100ms) s.announce("nftables", t);
    EXPECT_EQ(s.next_wake(), t0 + 71s);
    EXPECT_EQ(s.due(t0 + 71s), "nftables");
}

TEST(LookSchedule, NothingAnnouncedMeansARecheckEveryPeriod) {
    using Clock = LookSchedule::Clock;
    const Clock::time_point t0{};
    LookSchedule s(5s, t0);
    EXPECT_FALSE(s.due(t0 + 4999ms));
    EXPECT_EQ(s.due(t0 + 5s), "recheck");
    s.looked(t0 + 5s + 100ms);
    EXPECT_EQ(s.next_wake(), t0 + 10s + 100ms);
}

TEST(WatchMailbox, KeepsTheFirstEventAndCountsTheRest) {
    WatchMailbox box;
    ASSERT_TRUE(box.valid());
    pollfd p{box.fd(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 0);
    for (int i = 0; i < 10000; ++i) box.post_event("engine: container die web" + std::to_string(i));
    box.post_note("engine events: gone");
    EXPECT_EQ(::poll(&p, 1, 0), 1);
    auto mail = box.take();
    EXPECT_EQ(mail.first_event, "engine: container die web0");
    EXPECT_EQ(mail.events, 10000u);
    EXPECT_EQ(mail.notes, std::vector<std::string>{"engine events: gone"});
    EXPECT_EQ(::poll(&p, 1, 0), 0);
    EXPECT_FALSE(box.take().first_event);
}

Report report(const std::string& name, Verdict verdict, std::vector<std::string> causes = {}, std::string blind = "") {
    Report r;
    r.target_container = name;
    r.verdict = verdict;
    for (auto& id : causes) {
        RankedCause c;
        c.finding.id = id;
        r.causes.push_back(c);
    }
    if (!blind.empty()) r.blind_spots.push_back({"docker-api", blind});
    return r;
}

TEST(VerdictChanges, OnlyWhatChangedIsReported) {
    const std::vector<Report> first{report("a", Verdict::ok), report("b", Verdict::critical, {"netfilter.forward-drop"})};
    const auto before = watched_states(first);
    EXPECT_TRUE(verdict_changes(before, before).empty());

    const std::vector<Report> second{report("b", Verdict::critical, {"netfilter.input-drop"}), report("c", Verdict::ok)};
    const auto changes = verdict_changes(before, watched_states(second));
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[0].container, "a");  // gone
    EXPECT_TRUE(changes[0].before && !changes[0].after);
    EXPECT_EQ(changes[1].container, "b");  // same verdict, another cause: a change
    EXPECT_EQ(changes[1].after->causes, std::vector<std::string>{"netfilter.input-drop"});
    EXPECT_EQ(changes[2].container, "c");  // new
    EXPECT_TRUE(!changes[2].before && changes[2].after);
}

TEST(VerdictChanges, UnknownCarriesItsReason) {
    const auto s = watched_state(report("a", Verdict::unknown, {}, "the Docker engine did not answer"));
    EXPECT_EQ(s.reason, "the Docker engine did not answer");
    EXPECT_EQ(watched_state(report("a", Verdict::ok, {}, "not run (--no-probe)")).reason, "");
}

TEST(WatchLines, TextSaysWhatChangedFromWhatAndWhy) {
    WatchedState broken;
    broken.verdict = Verdict::critical;
    broken.causes = {"netfilter.forward-drop"};
    WatchedState fine;
    fine.verdict = Verdict::ok;
    EXPECT_EQ(watch_line_text({"web", fine, broken}, "2026-12-05T04:30:01.123Z", "nftables"),
              "2026-12-05T04:30:01.123Z web: critical (was ok): netfilter.forward-drop (after: nftables)\n");
    EXPECT_EQ(watch_line_text({"web", std::nullopt, fine}, "T", "start"), "T web: ok (after: start)\n");
    EXPECT_EQ(watch_line_text({"web", broken, std::nullopt}, "T", "engine: container die web"),
              "T web: no longer diagnosed: not running with a published port (was critical: netfilter.forward-drop) "
              "(after: engine: container die web)\n");
    EXPECT_EQ(watch_line_text({"we\x1b[2Jb", std::nullopt, fine}, "T", "start"), "T we\\x1b[2Jb: ok (after: start)\n");
}

TEST(WatchLines, JsonIsOneObjectALine) {
    WatchedState broken;
    broken.verdict = Verdict::critical;
    broken.causes = {"container.not-running"};
    WatchedState fine;
    fine.verdict = Verdict::ok;
    const std::string line = watch_line_json({"web", fine, broken}, "T", "engine: container die web");
    ASSERT_EQ(line.find('\n'), line.size() - 1);
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["container"], "web");
    EXPECT_EQ(j["verdict"], "critical");
    EXPECT_EQ(j["exit_code"], 2);
    EXPECT_EQ(j["previous"], "ok");
    EXPECT_EQ(j["causes"], nlohmann::json::array({"container.not-running"}));
    EXPECT_EQ(j["trigger"], "engine: container die web");
    const auto gone = nlohmann::json::parse(watch_line_json({"web", fine, std::nullopt}, "T", "x"));
    EXPECT_TRUE(gone["verdict"].is_null());
    EXPECT_TRUE(gone["exit_code"].is_null());
    const auto first = nlohmann::json::parse(watch_line_json({"web", std::nullopt, fine}, "T", "start"));
    EXPECT_TRUE(first["previous"].is_null());
    EXPECT_EQ(nlohmann::json::parse(watch_note_json("T", "watching web"))["note"], "watching web");
}

TEST(WatchOptions, ContainerOrAllAndItsOwnFlags) {
    auto o = parse_options({"watch", "web", "--recheck", "30s", "--format", "json"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->command, Command::watch);
    EXPECT_EQ(o->container, "web");
    EXPECT_EQ(o->recheck_every, 30s);
    EXPECT_EQ(o->format, Format::json);
    auto all = parse_options({"watch", "--all"});
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_TRUE(all->all);
    EXPECT_EQ(all->recheck_every, 60s);
    EXPECT_EQ(parse_options({"watch"}).error().message,
              "no container given: docknetdoctor watch CONTAINER, or watch --all (see --help)");
    EXPECT_EQ(parse_options({"watch", "web", "--format", "junit"}).error().message,
              "watch prints text or JSON lines: --format text, json or jsonl");
    EXPECT_EQ(parse_options({"watch", "web", "--facts", "f.json"}).error().message,
              "watch follows the live host: --facts, --save-facts and --output do not apply");
    EXPECT_EQ(parse_options({"watch", "web", "--recheck", "500ms"}).error().message,
              "invalid --recheck '500ms': expected a duration from 1s to 10m");
    EXPECT_FALSE(parse_options({"web", "--recheck", "5s"}));
}

}  // namespace
}  // namespace dnd
