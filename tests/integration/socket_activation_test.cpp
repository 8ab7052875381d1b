// An engine started as systemd's docker.socket starts it (the Debian and docker-ce default):
// another process listens on the API socket and hands it to dockerd (-H fd://). The engine
// is still found from /proc (the child the listener handed the socket to), and /info is
// not asked.
// This test starts a sandbox of its own in that mode (the shared one listens directly).
#include <filesystem>
#include <thread>

#include "fixture_files.hpp"
#include "owned_sandbox.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

TEST(SocketActivation, TheEngineIsTheDockerdTheListenerHandedTheSocketTo) {
    OwnedSandbox owned("-sa", {{"DND_SANDBOX_ACTIVATION", "socket"}});
    if (auto why = owned.skip_reason()) GTEST_SKIP() << *why;
    auto sandbox = owned.sandbox();
    ASSERT_TRUE(sandbox) << sandbox.error().message;

    const auto web = sandbox->run_container("it-sa-web", {"-p", "8080:80", sandbox->image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    auto reached = ConnectOutcome::error;
    for (int attempt = 0; attempt < 50 && reached != ConnectOutcome::open; ++attempt) {
        reached = sandbox->client_connect(8080, std::chrono::milliseconds(500));
        if (reached != ConnectOutcome::open) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_EQ(reached, ConnectOutcome::open);

    const std::string facts_path = sandbox->dir() + "/facts.json";
    const auto diagnosis = sandbox->diagnose({web.name(), "--format", "json", "--save-facts", facts_path});

    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    EXPECT_EQ(diagnosis.process.exit_code, 0) << diagnosis.describe();
    EXPECT_EQ(diagnosis.json->value("verdict", std::string()), "ok") << diagnosis.describe();
    const auto facts = nlohmann::json::parse(testing::read_text(facts_path), nullptr, false);
    ASSERT_FALSE(facts.is_discarded()) << facts_path;
    const auto& engine = facts.at("engine");
    ASSERT_TRUE(engine.contains("process")) << engine.dump(2);
    const std::string dockerd_pid = testing::read_text(sandbox->dir() + "/docker.pid");
    EXPECT_EQ(std::to_string(engine["process"].value("pid", 0)), dockerd_pid.substr(0, dockerd_pid.find('\n')))
        << engine.dump(2);
    EXPECT_NE(engine["process"].value("found_as", std::string()).find("socket activation"), std::string::npos)
        << engine.dump(2);
    EXPECT_FALSE(engine.contains("security_options")) << "asked /info: " << engine.dump(2);
}

}  // namespace
}  // namespace dnd::test
