// The port is published correctly, but the app inside does not accept on it.
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class AppTest : public SandboxTest {};

TEST_F(AppTest, NothingListeningIsNotListening) {
    const auto box = sandbox().run_container("it-not-listening", {"-p", "8085:80", image(), "sleep", "1000"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(wait_for_state(box.name(), "{{.State.Status}}", "running"));
    EXPECT_NE(sandbox().client_connect(8085), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(box.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "app.not-listening", 2));
    // Refused from the first rung up: the app is where it dies.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"refused"}) << rung << "\n" << diagnosis.describe();
    EXPECT_EQ(outcome_of(diagnosis, "host-published", "127.0.0.1"), "reset") << diagnosis.describe();
    EXPECT_EQ(first_failing_rung(diagnosis, "80/tcp"), "container-loopback") << diagnosis.describe();
}

TEST_F(AppTest, LoopbackListenerIsLoopbackOnly) {
    const auto web =
        sandbox().run_container("it-loopback-only", {"-p", "8097:80", image(), "httpd", "-f", "-p", "127.0.0.1:80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_NE(sandbox().client_connect(8097), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "app.loopback-only", 2));
    // 127.0.0.1 inside answers, the container's own address does not.
    EXPECT_EQ(outcomes_on(diagnosis, "container-loopback", "80/tcp"), Outcomes{"open"}) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "container-address", "80/tcp"), Outcomes{"refused"}) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "host-to-container", "80/tcp"), Outcomes{"refused"}) << diagnosis.describe();
    EXPECT_EQ(first_failing_rung(diagnosis, "80/tcp"), "container-address") << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
