// The localization ladder against the sandbox engine: real outcomes on each rung for the
// three failures a static reading cannot tell apart from a healthy port.
#include <algorithm>
#include <string>
#include <vector>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class ProbeScenarioTest : public SandboxTest {};

// docker-proxy holds the published port and accepts, then finds nothing behind it.
TEST_F(ProbeScenarioTest, ProxyAcceptsThenResetsWhenTheAppIsNotListening) {
    const auto box = sandbox().run_container("it-probe-reset", {"-p", "8110:80", image(), "sleep", "1000"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(wait_for_state(box.name(), "{{.State.Status}}", "running"));
    ASSERT_TRUE(sandbox().wait_for_host_listener(8110));

    const auto d = diagnose_json(box.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(d, "app.not-listening", 2));
    EXPECT_EQ(outcome_of(d, "host-published", "127.0.0.1"), "reset") << d.describe();
    EXPECT_EQ(outcomes_on(d, "container-loopback"), Outcomes{"refused"}) << d.describe();
    EXPECT_EQ(first_failing_rung(d, "80/tcp"), "container-loopback") << d.describe();
    ASSERT_TRUE(d.json);
    EXPECT_EQ(d.json->at("causes")[0].value("confidence", std::string()), "high") << d.describe();
}

// A drop rule for the published port in the host's input hook, for packets on the loopback:
// the host's own connect gets no answer, while clients elsewhere (IPv4 DNAT'd past input,
// IPv6 to docker-proxy through ext0) are not touched.
TEST_F(ProbeScenarioTest, DroppedPublishedPortTimesOut) {
    const auto web = sandbox().run_container("it-probe-drop", {"-p", "8111:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    const auto added = sandbox().in_host({"nft", "add table inet dnd_it_drop; add chain inet dnd_it_drop input { type "
                                                 "filter hook input priority -10; }; add rule inet dnd_it_drop input "
                                                 "iifname lo tcp dport 8111 drop"});
    ASSERT_TRUE(added.ok()) << added.describe();
    struct RemoveTable {
        const Sandbox& sandbox;
        ~RemoveTable() { sandbox.in_host({"nft", "delete table inet dnd_it_drop"}); }
    } remove_table{sandbox()};

    const auto d = diagnose_json(web.name(), {"--port", "80", "--timeout", "1s"});

    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(outcome_of(d, "host-published", "127.0.0.1"), "timeout") << d.describe();
    EXPECT_EQ(outcomes_on(d, "host-to-container"), Outcomes{"open"}) << d.describe();
    EXPECT_EQ(first_failing_rung(d, "80/tcp"), "host-published") << d.describe();
    // No evaluated path meets the rule (it is for the loopback only): the ladder's finding
    // stands alone.
    const auto ids = d.cause_ids();
    EXPECT_NE(std::find(ids.begin(), ids.end(), "path.unexplained"), ids.end()) << d.describe();
    // One deadline (1 s) for the whole ladder, not one per probe.
    EXPECT_LT(d.json->at("timings_ms").value("probes", 1e9), 1900.0) << d.describe();
}

// UDP with nothing listening: the container's kernel answers ICMP port unreachable.
TEST_F(ProbeScenarioTest, ClosedUdpPortIsClosedOnTheContainerAddress) {
    const auto box = sandbox().run_container("it-probe-udp", {"-p", "5353:53/udp", image(), "sleep", "1000"});
    ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
    ASSERT_TRUE(wait_for_state(box.name(), "{{.State.Status}}", "running"));

    const auto d = diagnose_json(box.name(), {"--port", "53/udp", "--timeout", "1s"});

    EXPECT_TRUE(reports_top_cause(d, "app.not-listening", 2));
    EXPECT_EQ(outcomes_on(d, "container-address"), Outcomes{"closed"}) << d.describe();
    EXPECT_EQ(outcomes_on(d, "host-to-container"), Outcomes{"closed"}) << d.describe();
    EXPECT_EQ(first_failing_rung(d, "53/udp"), "container-loopback") << d.describe();
}

// The healthy case end to end: every rung open, nothing to report, and --all agrees.
TEST_F(ProbeScenarioTest, HealthyPortPassesEveryRungAndAllSummarizesIt) {
    const auto web = sandbox().run_container("it-probe-healthy", {"-p", "8112:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    const auto d = diagnose_json(web.name());
    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
    for (const char* rung : {"container-loopback", "container-address", "host-to-container", "host-published"}) {
        EXPECT_EQ(outcomes_on(d, rung, "80/tcp"), Outcomes{"open"}) << rung << "\n" << d.describe();
    }
    EXPECT_EQ(first_failing_rung(d, "80/tcp"), "") << d.describe();

    const auto all = sandbox().diagnose({"--all", "--format", "json"});
    ASSERT_TRUE(all.json && all.json->is_array()) << all.describe();
    bool listed = false;
    for (const auto& report : *all.json) {
        EXPECT_TRUE(validate_against_schema(report, report_schema_path()));
        if (report["target"].value("name", std::string()) == web.name()) {
            listed = true;
            EXPECT_EQ(report.value("verdict", std::string()), "ok");
        }
    }
    EXPECT_TRUE(listed) << all.describe();
    const auto text = sandbox().diagnose({"--all"});
    EXPECT_NE(text.process.out.find(web.name()), std::string::npos) << text.describe();
}

}  // namespace
}  // namespace dnd::test
