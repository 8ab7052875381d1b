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
}

TEST_F(PortTest, BindingToPortNobodyListensOnIsWrongContainerPort) {
    const auto web =
        sandbox().run_container("it-wrong-port", {"-p", "8081:80", image(), "httpd", "-f", "-p", "8000"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 8000));
    EXPECT_NE(sandbox().client_connect(8081), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "port.wrong-container-port", 2));
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
}

TEST_F(PortTest, LoopbackPublishedPortIsHostBindLoopback) {
    const auto web =
        sandbox().run_container("it-bind-loopback", {"-p", "127.0.0.1:8083:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_NE(sandbox().client_connect(8083), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(web.name(), {"--port", "80"});

    EXPECT_TRUE(reports_top_cause(diagnosis, "port.host-bind-loopback", 2));
}

}  // namespace
}  // namespace dnd::test
