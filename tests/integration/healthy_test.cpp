// A correctly published web server: nothing to report, and a real client gets through.
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class HealthyTest : public SandboxTest {};

TEST_F(HealthyTest, PublishedListeningServerIsOk) {
    const auto web = sandbox().run_container("it-healthy", {"-p", "8080:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_EQ(sandbox().client_connect(8080), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name());

    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    EXPECT_TRUE(validate_against_schema(*diagnosis.json, report_schema_path()));
    EXPECT_EQ(diagnosis.process.exit_code, 0) << diagnosis.describe();
    EXPECT_EQ(diagnosis.json->value("verdict", std::string()), "ok");
    for (const auto& cause : diagnosis.json->value("causes", nlohmann::json::array())) {
        const auto severity = cause.value("severity", std::string());
        EXPECT_NE(severity, "critical") << cause.dump(2);
        EXPECT_NE(severity, "warning") << cause.dump(2);
    }
    // The ladder agrees: every rung was tried and connected, the outside address included.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container", "host-published"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"open"}) << rung << "\n" << diagnosis.describe();
    EXPECT_EQ(outcome_of(diagnosis, "host-published", sandbox().host_addr()), "open") << diagnosis.describe();
    EXPECT_EQ(first_failing_rung(diagnosis, "80/tcp"), "") << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
