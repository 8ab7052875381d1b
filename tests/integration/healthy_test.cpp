// A correctly published web server: nothing to report, and a real client gets through.
#include <filesystem>

#include "fixture_files.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class HealthyTest : public SandboxTest {};

TEST_F(HealthyTest, PublishedListeningServerIsOk) {
    const auto web = sandbox().run_container("it-healthy", {"-p", "8080:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_EQ(sandbox().client_connect(8080), ConnectOutcome::open);

    const std::string facts_path = sandbox().dir() + "/healthy-facts.json";
    std::filesystem::remove(facts_path);
    const auto diagnosis = diagnose_json(web.name(), {"--save-facts", facts_path});

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

    // Rootless or not was read from the sandbox's dockerd itself (it listens on the API
    // socket), so /info, the engine's slowest answer, was not asked.
    const auto facts = nlohmann::json::parse(testing::read_text(facts_path), nullptr, false);
    ASSERT_FALSE(facts.is_discarded()) << facts_path;
    const auto& engine = facts.at("engine");
    ASSERT_TRUE(engine.contains("process")) << engine.dump(2);
    const std::string dockerd_pid = testing::read_text(sandbox().dir() + "/docker.pid");
    EXPECT_EQ(std::to_string(engine["process"].value("pid", 0)), dockerd_pid.substr(0, dockerd_pid.find('\n')))
        << engine.dump(2);
    EXPECT_TRUE(engine["process"].value("exe", std::string()).ends_with("/dockerd")) << engine.dump(2);
    EXPECT_EQ(engine["process"].value("found_as", std::string()), "listener of the API socket");
    EXPECT_FALSE(engine["process"].contains("rootlesskit_state_dir")) << engine.dump(2);
    EXPECT_FALSE(engine.contains("security_options")) << "asked /info: " << engine.dump(2);
}

}  // namespace
}  // namespace dnd::test
