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
    // The report says where collection spent its time, phase by phase, beside the totals.
    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    for (const char* phase : {"collect", "collect.engine", "collect.netfilter", "collect.procfs.host", "probes", "total"})
        EXPECT_TRUE(diagnosis.json->at("timings_ms").contains(phase)) << phase << "\n" << diagnosis.describe();
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

// A user in the engine's group, not root: the inside rungs cannot run (no setns), the host's
// probe of the container's address is refused. The static finding leads, with its verdict,
// and nothing is called unexplained: the address rung it explains was not seen to pass.
TEST_F(AppTest, LoopbackOnlyDiagnosedRightWithoutRoot) {
    const auto web =
        sandbox().run_container("it-loopback-nonroot", {"-p", "8098:80", image(), "httpd", "-f", "-p", "127.0.0.1:80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_NE(sandbox().client_connect(8098), ConnectOutcome::open);  // dead for a real client
    const std::string socket = sandbox().docker_host().substr(std::string("unix://").size());
    const auto group = run_process({"stat", "-c", "%g", socket});
    ASSERT_TRUE(group.ok()) << group.describe();
    const std::string gid = group.out.substr(0, group.out.find('\n'));

    Diagnosis diagnosis;
    diagnosis.process = sandbox().in_host({"setpriv", "--reuid=65534", "--regid=65534", "--groups=" + gid, DND_BINARY,
                                           "--format", "json", web.name()},
                                          120s);
    auto parsed = nlohmann::json::parse(diagnosis.process.out, nullptr, false);
    if (!parsed.is_discarded()) diagnosis.json = std::move(parsed);

    EXPECT_TRUE(reports_top_cause(diagnosis, "app.loopback-only", 2));
    EXPECT_TRUE(cause_with_id(diagnosis, "path.unexplained").empty()) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "container-address", "80/tcp"), Outcomes{"error"}) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "host-to-container", "80/tcp"), Outcomes{"refused"}) << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
