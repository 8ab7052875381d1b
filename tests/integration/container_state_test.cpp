// The container itself is not serving: stopped, crash-looping, or failing its healthcheck.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class ContainerStateTest : public SandboxTest {};

bool has_line(const nlohmann::json& cause, std::string_view prefix) {
    for (const auto& e : cause.value("evidence", nlohmann::json::array()))
        if (e.is_string() && e.get<std::string>().find(prefix) != std::string::npos) return true;
    return false;
}

// Asks the sandbox engine directly, so a run of a fraction of a second is seen as it begins
// (the docker CLI takes longer than that to start under load).
class EngineWatcher {
public:
    static Result<EngineWatcher> connect(const Sandbox& sandbox) {
        auto endpoint = parse_docker_host(sandbox.docker_host());
        if (!endpoint) return std::unexpected(endpoint.error());
        EngineWatcher w(DockerClient(*endpoint, 5s));
        if (auto ping = w.client_.negotiate(); !ping) return std::unexpected(ping.error());
        return w;
    }

    // State.StartedAt of the first run after `previous` that the engine reports running and
    // that its restart policy started (RestartCount >= 1).
    Result<std::string> wait_for_new_run(const std::string& container, const std::string& previous,
                                         std::chrono::milliseconds timeout) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string last_seen = "nothing";
        while (std::chrono::steady_clock::now() < deadline) {
            auto c = client_.get_parsed<Container>("/containers/" + container + "/json", parse_container_inspect);
            if (!c) return std::unexpected(c.error());
            last_seen = fmt::format("{} RestartCount {} StartedAt {}", c->state.status, c->restart_count, c->state.started_at);
            if (has_live_process(*c) && c->restart_count >= 1 && c->state.started_at != previous) return c->state.started_at;
            std::this_thread::sleep_for(5ms);
        }
        return fail("test", "no new run of " + container + " within the timeout; last seen: " + last_seen);
    }

private:
    explicit EngineWatcher(DockerClient client) : client_(std::move(client)) {}
    DockerClient client_;
};

TEST_F(ContainerStateTest, ExitedContainerIsNotRunning) {
    const auto box = sandbox().run_container("it-exited", {"-p", "8093:80", image(), "sh", "-c", "exit 3"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(wait_for_state(box.name(), "{{.State.Status}}", "exited"));

    const auto diagnosis = diagnose_json(box.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "container.not-running", 2));
    // No process, so nothing to probe: the engine's state is the proof.
    ASSERT_TRUE(diagnosis.json);
    EXPECT_TRUE(diagnosis.json->at("probes").empty()) << diagnosis.describe();
    EXPECT_EQ(diagnosis.json->at("causes")[0].value("confidence", std::string()), "high") << diagnosis.describe();
}

TEST_F(ContainerStateTest, CrashLoopIsRestarting) {
    const auto box = sandbox().run_container(
        "it-restarting", {"--restart", "always", "-p", "8094:80", image(), "sh", "-c", "exit 1"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(eventually(
        [&] {
            const auto count = sandbox().inspect(box.name(), "{{.RestartCount}}");
            return !count.empty() && std::stoi(count) >= 3;
        },
        60s));

    // Whatever phase of the loop the diagnosis catches (waiting to restart, or a run about
    // to exit), the loop is the cause.
    const auto diagnosis = diagnose_json(box.name(), {"--port", "80"});

    ASSERT_TRUE(reports_top_cause(diagnosis, "container.restarting", 2));
    const auto& top = diagnosis.json->at("causes")[0];
    EXPECT_NE(top.value("title", std::string()).find("last exit code 1"), std::string::npos) << diagnosis.describe();
    if (has_line(top, "State.Status = restarting")) {
        // Between two runs there is no process to probe.
        EXPECT_TRUE(diagnosis.json->at("probes").empty()) << diagnosis.describe();
    }
}

// A loop with a short run phase (sh, then sleep 0.4 s), diagnosed 20 times: half right as the
// engine reports a new run (while it runs, State.ExitCode reads 0, and it dies during the
// probes), half at seeded random instants. Each time: container.restarting, exit code 2,
// with the run's exit code, restart count, start time and log line.
TEST_F(ContainerStateTest, CrashLoopIsNamedWhateverTheInstant) {
    constexpr int kDiagnoses = 20;
    constexpr int kStartsPerRound = 3;  // then `docker restart` resets the engine's doubling back-off
    constexpr auto kBudget = 240s;
    const auto box = sandbox().run_container(
        "it-crashloop", {"--restart", "always", "-p", "8097:80", image(), "sh", "-c",
                         "echo starting; echo 'fatal: no config file at /etc/app.conf' >&2; sleep 0.4; exit 3"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    auto engine = EngineWatcher::connect(sandbox());
    ASSERT_TRUE(engine) << engine.error().message;

    const unsigned seed = 20261202;
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> pause_ms(0, 1000);
    const auto started = std::chrono::steady_clock::now();
    std::string last_start;
    int caught_running = 0;
    int vanished = 0;
    std::vector<std::string> problems;
    SCOPED_TRACE("random seed " + std::to_string(seed));

    const std::string saved = fmt::format("/tmp/dnd-crashloop-facts-{}.json", ::getpid());
    auto diagnose_once = [&](const std::string& when) {
        const auto diagnosis =
            sandbox().diagnose({"--format", "json", "--port", "80", "--save-facts", saved, box.name()}, 60s);
        const auto label = "diagnosis " + when + ": ";
        if (auto verdict = reports_top_cause(diagnosis, "container.restarting", 2); !verdict) {
            problems.push_back(label + verdict.message());
            return;
        }
        // The saved facts give the same answer offline.
        const auto replay = run_docknetdoctor({"--format", "json", "--facts", saved});
        const auto replayed = nlohmann::json::parse(replay.out, nullptr, false);
        if (replay.exit_code != 2 || replayed.is_discarded() || replayed.value("causes", nlohmann::json()) != diagnosis.json->at("causes"))
            problems.push_back(label + "the replay of its facts differs: " + replay.describe() + "\n" + replay.out +
                               "\nlive:\n" + diagnosis.describe());
        const auto& top = diagnosis.json->at("causes")[0];
        if (top.value("title", std::string()).find("last exit code 3") == std::string::npos)
            problems.push_back(label + "no exit code 3 in the title\n" + diagnosis.describe());
        for (const char* line : {"RestartCount = ", "State.StartedAt = ", "docker logs --tail: fatal: no config file at /etc/app.conf"})
            if (!has_line(top, line)) problems.push_back(label + "no evidence '" + line + "'\n" + diagnosis.describe());
        if (has_line(top, "State.Status = running")) ++caught_running;
        if (has_line(top, "vanished during")) ++vanished;
    };

    int done = 0;
    for (int round = 0; done < kDiagnoses; ++round) {
        if (round > 0) {
            const auto restarted = sandbox().docker({"restart", "-t", "0", box.name()});
            ASSERT_TRUE(restarted.ok()) << restarted.describe();
        }
        for (int start = 0; start < kStartsPerRound && done < kDiagnoses; ++start) {
            ASSERT_LT(std::chrono::steady_clock::now() - started, kBudget) << "after " << done << " diagnoses";
            // A run of the loop (RestartCount >= 1: the engine has restarted it) not diagnosed yet.
            auto run = engine->wait_for_new_run(box.name(), last_start, 60s);
            ASSERT_TRUE(run) << run.error().message;
            last_start = *run;
            diagnose_once(fmt::format("{} (right as run {} began)", done + 1, *run));
            ++done;
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
            diagnose_once(fmt::format("{} (a random instant)", done + 1));
            ++done;
        }
    }
    std::filesystem::remove(saved);
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    for (const auto& p : problems) ADD_FAILURE() << p;
    // The diagnoses started right at a run's start catch it running (or its process exiting
    // mid-run) in all but the most loaded runs: at least one of ten must.
    EXPECT_GE(caught_running, 1) << "no diagnosis saw the container in a run";
    std::cout << "[ crashloop ] " << done << " diagnoses in " << took.count() << " s: " << caught_running
              << " in a run, " << vanished << " saw its process vanish\n";
}

TEST_F(ContainerStateTest, FailingHealthcheckIsUnhealthy) {
    const auto box = sandbox().run_container(
        "it-unhealthy", {"--health-cmd", "exit 1", "--health-interval", "1s", "--health-retries", "1", "-p",
                         "8095:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(wait_for_state(box.name(), "{{.State.Health.Status}}", "unhealthy"));
    ASSERT_TRUE(wait_for_container_listener(box.name(), 80));

    const auto diagnosis = diagnose_json(box.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "container.unhealthy", 1));
    // The healthcheck fails, the port does not: every rung connects.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container", "host-published"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"open"}) << rung << "\n" << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
