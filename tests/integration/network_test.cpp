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
}

TEST_F(NetworkTest, NoneNetworkHasNoPath) {
    const auto web =
        sandbox().run_container("it-network-none", {"--network", "none", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.none", 2));
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
}

}  // namespace
}  // namespace dnd::test
