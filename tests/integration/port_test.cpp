// Port publishing gone wrong: missing, aimed at the wrong port, conflicting, loopback only.
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class PortTest : public SandboxTest {};

TEST_F(PortTest, UnpublishedPortIsNotPublished) {
    const auto web = sandbox().run_container("it-unpublished", {image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "port.not-published", 2));
    // The app answers on its address; there is no published address to try.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"open"}) << rung << "\n" << diagnosis.describe();
    EXPECT_TRUE(probes_on(diagnosis, "host-published").empty()) << diagnosis.describe();
    EXPECT_EQ(first_failing_rung(diagnosis, "80/tcp"), "") << diagnosis.describe();
}

TEST_F(PortTest, BindingToPortNobodyListensOnIsWrongContainerPort) {
    const auto web =
        sandbox().run_container("it-wrong-port", {"-p", "8081:80", image(), "httpd", "-f", "-p", "8000"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 8000));
    EXPECT_NE(sandbox().client_connect(8081), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "port.wrong-container-port", 2));
    // Nothing accepts on 80 inside; docker-proxy accepts on 127.0.0.1 and then resets.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"refused"}) << rung << "\n" << diagnosis.describe();
    EXPECT_EQ(outcome_of(diagnosis, "host-published", "127.0.0.1"), "reset") << diagnosis.describe();
    EXPECT_EQ(first_failing_rung(diagnosis, "80/tcp"), "container-loopback") << diagnosis.describe();
}

TEST_F(PortTest, HostPortHeldByHostProcessIsConflict) {
    std::string error;
    const auto holder = sandbox().start_in_host({"busybox", "httpd", "-f", "-p", "8082"}, &error);
    ASSERT_TRUE(holder.running()) << error;
    ASSERT_TRUE(sandbox().wait_for_host_listener(8082));

    const auto web = sandbox().run_container("it-conflict", {"-p", "8082:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_FALSE(web.run_result().ok()) << "docker run should fail while 8082 is taken";
    ASSERT_NE(sandbox().inspect(web.name(), "{{.State.Error}}").find("address already in use"), std::string::npos)
        << web.run_result().describe();

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "port.host-port-conflict", 2));
    // The container never started: no process, no probe.
    ASSERT_TRUE(diagnosis.json);
    EXPECT_TRUE(diagnosis.json->at("probes").empty()) << diagnosis.describe();
}

// A process name is the container's to choose: here one carrying an OSC title sequence and
// BEL holds a port another container wants. The report names it, as visible escapes only.
TEST_F(PortTest, HostileProcessNameReachesTheTerminalOnlyAsEscapes) {
    const auto holder = sandbox().run_container(
        "it-hostile-comm",
        {"--network", "host", image(), "sh", "-c",
         "name=$(printf 'busybox\\033]0;pwned\\007'); cp /bin/busybox \"/tmp/$name\" && "
         "exec \"/tmp/$name\" httpd -f -p 8171"});
    ASSERT_TRUE(holder.run_result().ok()) << holder.run_result().describe();
    ASSERT_TRUE(sandbox().wait_for_host_listener(8171));
    const auto web = sandbox().run_container("it-hostile-comm-web", {"-p", "8171:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_FALSE(web.run_result().ok()) << "docker run should fail while 8171 is taken";

    const auto text = sandbox().diagnose({"--no-color", web.name()});
    EXPECT_EQ(text.process.exit_code, 2) << text.describe();
    // comm keeps 15 bytes: "busybox" ESC "]0;pwne".
    EXPECT_NE(text.process.out.find("busybox\\x1b]0;pwne (pid "), std::string::npos) << text.process.out;
    for (const std::string* stream : {&text.process.out, &text.process.err})
        for (unsigned char c : *stream)
            ASSERT_FALSE((c < 0x20 && c != '\n') || c == 0x7f) << "control byte " << int(c) << " in:\n" << *stream;

    const auto json = diagnose_json(web.name());
    EXPECT_TRUE(reports_top_cause(json, "port.host-port-conflict", 2));
    EXPECT_EQ(json.process.out.find('\x1b'), std::string::npos) << json.process.out;
    EXPECT_NE(json.process.out.find("busybox\\u001b]0;pwne"), std::string::npos) << json.process.out;
}

TEST_F(PortTest, LoopbackPublishedPortIsHostBindLoopback) {
    const auto web =
        sandbox().run_container("it-bind-loopback", {"-p", "127.0.0.1:8083:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_NE(sandbox().client_connect(8083), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "port.host-bind-loopback", 2));
    // From this host it works: the one published address, 127.0.0.1:8083, connects.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "80/tcp"), Outcomes{"open"}) << rung << "\n" << diagnosis.describe();
    const auto published = probes_on(diagnosis, "host-published");
    ASSERT_EQ(published.size(), 1u) << diagnosis.describe();
    EXPECT_EQ(published[0]["target"].value("address", std::string()), "127.0.0.1");
    EXPECT_EQ(published[0]["target"].value("port", 0), 8083);
    EXPECT_EQ(published[0].value("outcome", std::string()), "open");
    // So the finding is confirmed: reachable locally, not from elsewhere.
    ASSERT_TRUE(diagnosis.json);
    EXPECT_EQ(diagnosis.json->at("causes")[0].value("support", std::string()), "confirmed") << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
