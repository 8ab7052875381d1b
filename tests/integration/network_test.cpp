// Network modes that make publishing meaningless: host, none, internal-only.
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class NetworkTest : public SandboxTest {};

TEST_F(NetworkTest, HostNetworkIgnoresPublishedPorts) {
    const auto web = sandbox().run_container(
        "it-host-mode", {"--network", "host", "-p", "8084:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(80));
    EXPECT_NE(sandbox().client_connect(8084), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.host-mode-ports-ignored", 2));
    // The app's own port on the host's addresses answers; 8084 is nobody's.
    EXPECT_EQ(outcomes_on(diagnosis, "container-loopback", "80/tcp"), Outcomes{"open"}) << diagnosis.describe();
    EXPECT_TRUE(probes_on(diagnosis, "container-address").empty()) << diagnosis.describe();
    EXPECT_TRUE(probes_on(diagnosis, "host-to-container").empty()) << diagnosis.describe();
    EXPECT_EQ(outcome_of(diagnosis, "host-published", sandbox().host_addr()), "open") << diagnosis.describe();
    for (const auto& p : probes_on(diagnosis, "host-published")) EXPECT_EQ(p["target"].value("port", 0), 80) << p.dump();
}

TEST_F(NetworkTest, NoneNetworkHasNoPath) {
    const auto web =
        sandbox().run_container("it-network-none", {"--network", "none", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.none", 2));
    // Only loopback exists in there: one rung, and it connects.
    ASSERT_TRUE(diagnosis.json);
    EXPECT_EQ(diagnosis.json->at("probes").size(), 1u) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "container-loopback", "80/tcp"), Outcomes{"open"}) << diagnosis.describe();
}

TEST_F(NetworkTest, InternalOnlyNetworkHasNoOutsidePath) {
    const auto internal = sandbox().create_network("it-internal", {"--internal"});
    ASSERT_TRUE(internal.create_result().ok()) << internal.create_result().describe();
    const auto web = sandbox().run_container(
        "it-internal-web", {"--network", internal.name(), "-p", "8096:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_NE(sandbox().client_connect(8096), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.internal", 2));
    // The container answers, the host reaches it over the bridge; nothing is published.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"open"}) << rung << "\n" << diagnosis.describe();
    EXPECT_TRUE(probes_on(diagnosis, "host-published").empty()) << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
