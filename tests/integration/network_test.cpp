// Network modes that make publishing meaningless: host, none, internal-only.
#include <algorithm>

#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class NetworkTest : public SandboxTest {};

// -p 8084:80 while the app listens on 80: the mapping is discarded, host port 8084 is
// nobody's, port 80 answers. The discarded mapping is the cause (critical: the host port the
// user wrote does not work), confirmed by the probe to that port.
TEST_F(NetworkTest, HostNetworkIgnoresPublishedPorts) {
    const auto web = sandbox().run_container(
        "it-host-mode", {"--network", "host", "-p", "8084:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(80));
    EXPECT_NE(sandbox().client_connect(8084), ConnectOutcome::open);
    EXPECT_EQ(sandbox().client_connect(80), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name());

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.host-mode-ports-ignored", 2));
    auto top = cause_with_id(diagnosis, "network.host-mode-ports-ignored");
    EXPECT_EQ(top.value("severity", std::string()), "critical") << diagnosis.describe();
    EXPECT_TRUE(any_line_contains(top["evidence"], "HostConfig.PortBindings[\"80/tcp\"] = 0.0.0.0:8084")) << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["evidence"], ":80 LISTEN httpd(pid")) << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["fix"], "connect to host port 80 directly (drop -p 8084:80)")) << top.dump(2);
    EXPECT_EQ(top.value("confidence", std::string()), "high") << top.dump(2);
    // The app's own port on the host's addresses answers; 8084 is nobody's.
    EXPECT_EQ(outcomes_on(diagnosis, "container-loopback", "80/tcp"), Outcomes{"open"}) << diagnosis.describe();
    EXPECT_TRUE(probes_on(diagnosis, "container-address").empty()) << diagnosis.describe();
    EXPECT_TRUE(probes_on(diagnosis, "host-to-container").empty()) << diagnosis.describe();
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 80), "open") << diagnosis.describe();
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 8084), "refused") << diagnosis.describe();
}

// -p 8120:80 while the app (a process the container's shell forked, not its main process)
// listens on 8121: the evidence and the fix name 8121, and the port-level causes for 80/tcp
// that only follow from the discarded mapping rank after it.
TEST_F(NetworkTest, HostNetworkMappingToAPortTheAppDoesNotUse) {
    const auto web = sandbox().run_container("it-host-other-port", {"--network", "host", "-p", "8120:80", image(), "sh",
                                                                    "-c", "httpd -p 8121; exec sleep 1000"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(8121));
    EXPECT_EQ(sandbox().client_connect(8121), ConnectOutcome::open);
    EXPECT_NE(sandbox().client_connect(8120), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name());

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.host-mode-ports-ignored", 2));
    auto top = cause_with_id(diagnosis, "network.host-mode-ports-ignored");
    EXPECT_NE(top.value("title", std::string()).find("the app listens on host port 8121"), std::string::npos)
        << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["evidence"], ":8121 LISTEN httpd(pid")) << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["fix"], "connect to host port 8121 directly (drop -p 8120:80)")) << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["fix"], "docker run -p 8120:8121")) << top.dump(2);
    // Nothing of the host's own (dockerd, containerd) is taken for the app.
    for (const auto& line : top["evidence"])
        EXPECT_EQ(line.get<std::string>().find("dockerd"), std::string::npos) << top.dump(2);
    const auto ids = diagnosis.cause_ids();
    const auto wrong_port = std::find(ids.begin(), ids.end(), "port.wrong-container-port");
    EXPECT_NE(wrong_port, ids.end()) << diagnosis.describe();
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 8120), "refused") << diagnosis.describe();
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 8121), "open") << diagnosis.describe();
}

// -p 8122:8122 and the app listens on 8122: the mapping is discarded, yet clients reach the
// port exactly as written. Reported as context (info), and the verdict is ok: a real client
// connects.
TEST_F(NetworkTest, HostNetworkMappingToTheAppsOwnPortWorksAsWritten) {
    const auto web = sandbox().run_container(
        "it-host-same-port", {"--network", "host", "-p", "8122:8122", image(), "httpd", "-f", "-p", "8122"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(8122));
    EXPECT_EQ(sandbox().client_connect(8122), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name());

    EXPECT_TRUE(reports_top_cause(diagnosis, "network.host-mode-ports-ignored", 0));
    auto top = cause_with_id(diagnosis, "network.host-mode-ports-ignored");
    EXPECT_EQ(top.value("severity", std::string()), "info") << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["fix"], "drop -p 8122:8122")) << top.dump(2);
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 8122), "open") << diagnosis.describe();
}

// No -p: the container's ports are the ones its app listens on, diagnosed like published
// ones. Healthy: ok, every probe open, and a real client connects.
TEST_F(NetworkTest, HostNetworkWithoutPublishingIsDiagnosedOnTheAppsPort) {
    const auto web =
        sandbox().run_container("it-host-no-p", {"--network", "host", image(), "httpd", "-f", "-p", "8123"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(8123));
    EXPECT_EQ(sandbox().client_connect(8123), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name());

    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    EXPECT_EQ(diagnosis.process.exit_code, 0) << diagnosis.describe();
    EXPECT_EQ(diagnosis.json->value("verdict", std::string()), "ok") << diagnosis.describe();
    EXPECT_TRUE(diagnosis.cause_ids().empty()) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "container-loopback", "8123/tcp"), Outcomes{"open"}) << diagnosis.describe();
    EXPECT_EQ(outcomes_on(diagnosis, "host-published", "8123/tcp"), Outcomes{"open"}) << diagnosis.describe();
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 8123), "open") << diagnosis.describe();
    // The packet of a client on another host was walked through the input hook, and accepted.
    bool walked = false;
    for (const auto& path : diagnosis.json->value("paths", nlohmann::json::array()))
        if (path["packet"].value("dport", 0) == 8123) {
            walked = true;
            EXPECT_EQ(path.value("verdict", std::string()), "delivered-local") << path.dump(2);
        }
    EXPECT_TRUE(walked) << diagnosis.describe();
}

// No -p, and the sandbox host's input hook drops the app's port (except to loopback, as
// firewalls keep it): the cause is the rule, and a real client's connection times out.
TEST_F(NetworkTest, HostNetworkAppPortDroppedInTheInputHook) {
    const auto web =
        sandbox().run_container("it-host-input-drop", {"--network", "host", image(), "httpd", "-f", "-p", "8124"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(8124));
    const HostChange drop(sandbox(),
                          "nft add table inet dnd_it_hostnet; "
                          "nft add chain inet dnd_it_hostnet input '{ type filter hook input priority 0; }'; "
                          "nft add rule inet dnd_it_hostnet input tcp dport 8124 ip daddr != 127.0.0.0/8 drop",
                          "nft delete table inet dnd_it_hostnet");
    ASSERT_TRUE(drop.result().ok()) << drop.result().describe();
    EXPECT_EQ(sandbox().client_connect(8124, 1s), ConnectOutcome::timeout);

    const auto diagnosis = diagnose_json(web.name(), {"--timeout", "1s"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "netfilter.input-drop", 2));
    auto top = cause_with_id(diagnosis, "netfilter.input-drop");
    EXPECT_EQ(top.value("port", std::string()), "8124/tcp") << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["evidence"], "dnd_it_hostnet")) << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["fix"], "dport 8124 accept")) << top.dump(2);
    EXPECT_EQ(outcomes_on(diagnosis, "container-loopback", "8124/tcp"), Outcomes{"open"}) << diagnosis.describe();
    EXPECT_EQ(outcome_at(diagnosis, "host-published", sandbox().host_addr(), 8124), "timeout") << diagnosis.describe();
}

// No -p and nothing of the container listens: not "no cause found".
TEST_F(NetworkTest, HostNetworkWithNothingListening) {
    const auto box = sandbox().run_container("it-host-silent", {"--network", "host", image(), "sleep", "1000"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(wait_for_state(box.name(), "{{.State.Status}}", "running"));

    const auto diagnosis = diagnose_json(box.name());

    EXPECT_TRUE(reports_top_cause(diagnosis, "app.not-listening", 2));
    auto top = cause_with_id(diagnosis, "app.not-listening");
    EXPECT_TRUE(any_line_contains(top["evidence"], "no listening socket of the container's processes")) << top.dump(2);
    EXPECT_TRUE(any_line_contains(top["evidence"], "HostConfig.NetworkMode = host")) << top.dump(2);
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
