// A crash loop is named whatever instant it is caught in: waiting between two runs, in a run
// about to crash (the engine then reads ExitCode 0), or as its process vanishes during the
// probes. The cases are fixtures/checks/restarting*, recorded from one crash loop; the
// collection side asks the engine for the recent runs only on a sign of a loop.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/collect/collect.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "docknetdoctor/collect/vanished_process.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;

bool has_evidence(const Finding& f, std::string_view text) {
    return std::any_of(f.evidence.begin(), f.evidence.end(),
                       [&](const std::string& e) { return e.find(text) != std::string::npos; });
}

std::vector<std::string> ids(const Report& r) {
    std::vector<std::string> out;
    for (const auto& c : r.causes) out.push_back(c.finding.id);
    return out;
}

// The same crash loop, caught at three instants: one answer.
TEST(RestartLoop, EveryInstantOfTheLoopNamesIt) {
    for (const char* name : {"restarting", "restarting_running", "restarting_vanished"}) {
        SCOPED_TRACE(name);
        const Report r = build_report(testing::load_check_case(name), all_checks());
        ASSERT_FALSE(r.causes.empty());
        const Finding& top = r.causes.front().finding;
        EXPECT_EQ(top.id, "container.restarting") << ::testing::PrintToString(ids(r));
        EXPECT_EQ(r.verdict, Verdict::critical);
        EXPECT_NE(top.title.find("last exit code 3"), std::string::npos) << top.title;
        EXPECT_TRUE(has_evidence(top, "State.StartedAt = 2026-12-02T05:39:14.54410177Z")) << ::testing::PrintToString(top.evidence);
        EXPECT_TRUE(has_evidence(top, "docker logs --tail: fatal: no config file at /etc/app.conf"));
        // The run's own end is not path.unexplained: the loop explains every rung.
        const auto all = ids(r);
        EXPECT_EQ(std::count(all.begin(), all.end(), std::string("path.unexplained")), 0);
    }
}

TEST(RestartLoop, InARunTheExitCodeComesFromTheDieEvent) {
    const Report r = build_report(testing::load_check_case("restarting_running"), all_checks());
    const Finding& top = r.causes.front().finding;
    EXPECT_TRUE(has_evidence(top, "State.Status = running"));
    EXPECT_TRUE(has_evidence(top, "RestartCount = 3"));
    EXPECT_TRUE(has_evidence(top, "last exit code 3 (die event at 2026-12-02T05:39:11.603976935Z"));
    EXPECT_TRUE(has_evidence(top, "(0.2 s before the collection)"));
    EXPECT_TRUE(has_evidence(top, "3 die events between 2026-12-02T05:37:14.700Z and 2026-12-02T05:39:14.700Z"));
    // Nothing listens in that run either, and the probes confirm it; the loop explains it.
    const auto all = ids(r);
    EXPECT_NE(std::find(all.begin(), all.end(), "app.not-listening"), all.end()) << ::testing::PrintToString(all);
}

TEST(RestartLoop, AProcessVanishingDuringTheProbesConfirmsIt) {
    const Report r = build_report(testing::load_check_case("restarting_vanished"), all_checks());
    const RankedCause& top = r.causes.front();
    EXPECT_EQ(top.confidence, Confidence::high);
    EXPECT_NE(top.confidence_reason.find("pid 23050"), std::string::npos) << top.confidence_reason;
    EXPECT_TRUE(has_evidence(top.finding, "pid 23050 (running since 2026-12-02T05:39:14.54410177Z) vanished during the probes; "
                                          "the engine then reported State.Status = restarting"));
    EXPECT_TRUE(has_evidence(top.finding, "State.ExitCode = 3"));
}

TEST(RestartLoop, ARestartLongAgoIsNoLoop) {
    const Report r = build_report(testing::load_check_case("restarting_long_ago"), all_checks());
    EXPECT_TRUE(r.causes.empty()) << ::testing::PrintToString(ids(r));
    EXPECT_EQ(r.verdict, Verdict::ok);
}

// What a replay reads is what the live run judged: the JSON round trip keeps the answer.
TEST(RestartLoop, TheSavedFactsGiveTheSameReport) {
    for (const char* name : {"restarting", "restarting_running", "restarting_vanished", "restarting_long_ago"}) {
        SCOPED_TRACE(name);
        const Facts live = testing::load_check_case(name);
        auto replayed = facts_from_json_text(facts_to_json(live).dump());
        ASSERT_TRUE(replayed) << replayed.error().message;
        EXPECT_EQ(facts_to_json(*replayed), facts_to_json(live));
        auto a = report_to_json(build_report(live, all_checks()));
        auto b = report_to_json(build_report(*replayed, all_checks()));
        EXPECT_EQ(a["causes"], b["causes"]);
    }
}

TEST(RestartLoop, WhatTheEngineCouldNotTellIsABlindSpot) {
    Facts f = testing::load_check_case("restarting_running");
    f.restart_history->events = fail("docker-api", "the Docker engine at unix:///x did not answer within 5000 ms");
    const Report r = build_report(f, all_checks());
    ASSERT_FALSE(r.causes.empty());
    const Finding& top = r.causes.front().finding;
    EXPECT_EQ(top.id, "container.restarting");  // the run started a moment ago: still a loop
    EXPECT_NE(top.title.find("last exit code unknown"), std::string::npos) << top.title;
    EXPECT_TRUE(has_evidence(top, "State.ExitCode reads 0 while it runs, and the engine's events could not be read"));
    EXPECT_TRUE(std::any_of(r.blind_spots.begin(), r.blind_spots.end(),
                            [](const BlindSpot& b) { return b.message.find("did not answer") != std::string::npos; }));
}

// ---- collection -----------------------------------------------------------------------

std::string id_of(const std::string& body) { return nlohmann::json::parse(body).at("Id").get<std::string>(); }

// The recorded engine, plus the crash loop (caught between two runs) in its list, its
// recorded events and log for any window.
testing::FakeEngine::Responder crashloop_engine() {
    const auto body = testing::read_fixture("engine-api/container-crashloop-restarting.json");
    const auto id = id_of(body);
    auto list = nlohmann::json::parse(testing::read_fixture("engine-api/containers-list.json"));
    list.push_back({{"Id", id}, {"Names", {"/dnd-rec-crashloop"}}});
    auto inner = testing::recorded_engine({{"/v1.41/containers/json?all=1", testing::http_response(200, list.dump())},
                                           {"/v1.41/containers/" + id + "/json", testing::http_response(200, body)}});
    return [inner, id](const std::string& target) -> testing::FakeReply {
        if (target.starts_with("/v1.41/events?"))
            return testing::http_response(200, testing::read_fixture("engine-api/events-crashloop.ndjson"));
        if (target.starts_with("/v1.41/containers/" + id + "/logs?"))
            return testing::http_response(200, testing::read_fixture("engine-api/logs-crashloop.multiplexed"));
        return inner(target);
    };
}

std::vector<std::string> seen_starting(const testing::FakeEngine& engine, std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& t : engine.targets_seen())
        if (t.find(prefix) != std::string::npos) out.push_back(t);
    return out;
}

Result<Facts> collect_from(const testing::FakeEngine& engine, std::string container) {
    CollectOptions o;
    o.docker_host = engine.endpoint();
    o.timeout = 2s;
    o.query.container = std::move(container);
    return collect_facts(o);
}

TEST(RestartLoopCollect, ASignOfALoopAsksForTheRecentRuns) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", crashloop_engine());
    auto facts = collect_from(engine, "dnd-rec-crashloop");
    ASSERT_TRUE(facts) << facts.error().message;
    ASSERT_TRUE(facts->restart_history);
    ASSERT_TRUE(facts->restart_history->events) << facts->restart_history->events.error().message;
    EXPECT_EQ(facts->restart_history->events->size(), 10u);
    ASSERT_TRUE(facts->restart_history->log_tail) << facts->restart_history->log_tail.error().message;
    EXPECT_EQ(facts->restart_history->log_tail->front(), "fatal: no config file at /etc/app.conf");

    const auto events = seen_starting(engine, "/events?");
    ASSERT_EQ(events.size(), 1u);
    // A finite stream of this container's die and start events: since, until and the filter.
    EXPECT_NE(events[0].find("since="), std::string::npos) << events[0];
    EXPECT_NE(events[0].find("&until="), std::string::npos) << events[0];
    EXPECT_NE(events[0].find("%22event%22%3A%5B%22die%22%2C%22start%22%5D"), std::string::npos) << events[0];
    EXPECT_NE(events[0].find(id_of(testing::read_fixture("engine-api/container-crashloop-restarting.json"))),
              std::string::npos);
    const auto logs = seen_starting(engine, "/logs?");
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_NE(logs[0].find("tail=3"), std::string::npos) << logs[0];
    // The window is judged against the collection's own time, kept to the millisecond.
    EXPECT_EQ(facts->restart_history->until.size(), std::string("2026-12-02T05:39:15.300Z").size());
}

TEST(RestartLoopCollect, AHealthyContainerCostsNoExtraRequest) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", crashloop_engine());
    auto facts = collect_from(engine, "web");
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_FALSE(facts->restart_history);
    EXPECT_TRUE(seen_starting(engine, "/events").empty());
    EXPECT_TRUE(seen_starting(engine, "/logs").empty());
}

// ---- the process watch ------------------------------------------------------------------

Container running_with_pid(int pid) {
    Container c;
    c.state.status = "running";
    c.state.running = true;
    c.state.pid = pid;
    c.state.started_at = "2026-12-02T05:39:14.54410177Z";
    return c;
}

TEST(ProcessWatch, NoticesTheProcessExiting) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::pause();
        ::_exit(0);
    }
    const ProcessWatch watch(running_with_pid(child));
    EXPECT_FALSE(watch.gone());
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(watch.gone());
    const auto v = watch.vanished("the probes");
    EXPECT_EQ(v.pid, child);
    EXPECT_EQ(v.during, "the probes");
    EXPECT_EQ(v.status_before, "running");
    EXPECT_EQ(v.started_at_before, "2026-12-02T05:39:14.54410177Z");
}

TEST(ProcessWatch, AGoneProcessAndNoProcess) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_FALSE(ProcessWatch(running_with_pid(child)).gone());  // not there to watch (another host's pid)

    Container waiting = running_with_pid(0);
    waiting.state.restarting = true;
    EXPECT_FALSE(ProcessWatch(waiting).gone());  // nothing to watch between two runs
    EXPECT_FALSE(ProcessWatch().gone());
}

}  // namespace
}  // namespace dnd
