// The container itself is not serving: stopped, crash-looping, or failing its healthcheck.
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class ContainerStateTest : public SandboxTest {};

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
    // After a few restarts the back-off keeps it in Restarting long enough to look at.
    ASSERT_TRUE(eventually(
        [&] {
            const auto count = sandbox().inspect(box.name(), "{{.RestartCount}}");
            return !count.empty() && std::stoi(count) >= 3 &&
                   sandbox().inspect(box.name(), "{{.State.Restarting}}") == "true";
        },
        30s));

    const auto diagnosis = diagnose_json(box.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "container.restarting", 2));
    // Between two runs there is no process to probe.
    ASSERT_TRUE(diagnosis.json);
    EXPECT_TRUE(diagnosis.json->at("probes").empty()) << diagnosis.describe();
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
