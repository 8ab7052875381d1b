// The harness itself, independent of docknetdoctor: the sandbox engine publishes ports the
// way a real host does, so the scenarios' reachability claims mean something.
#include <cstdlib>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class SandboxSelfTest : public SandboxTest {};

TEST_F(SandboxSelfTest, ClientReachesPortPublishedOnAllAddresses) {
    const auto web = sandbox().run_container("it-self-web", {"-p", "8090:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    EXPECT_EQ(sandbox().client_connect(8090), ConnectOutcome::open);
    const auto page = sandbox().in_client(
        {"busybox", "wget", "-q", "-O", "-", "http://" + sandbox().host_addr() + ":8090/"});
    EXPECT_TRUE(page.ok()) << page.describe();
    EXPECT_NE(page.out.find("docknetdoctor sandbox"), std::string::npos) << page.out;
}

TEST_F(SandboxSelfTest, ClientCannotReachPortPublishedOnLoopback) {
    const auto web =
        sandbox().run_container("it-self-lo", {"-p", "127.0.0.1:8091:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    EXPECT_EQ(sandbox().client_connect(8091), ConnectOutcome::refused);
    const auto local = sandbox().in_host({"busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:8091/"});
    EXPECT_TRUE(local.ok()) << local.describe();
}

TEST_F(SandboxSelfTest, ScopedContainerRemovesItsContainer) {
    {
        const auto box = sandbox().run_container("it-self-scoped", {image(), "sleep", "1000"});
        ASSERT_TRUE(box.run_result().ok()) << box.run_result().describe();
        EXPECT_EQ(sandbox().inspect("it-self-scoped", "{{.State.Status}}"), "running");
    }
    EXPECT_EQ(sandbox().inspect("it-self-scoped", "{{.State.Status}}"), "");
}

TEST_F(SandboxSelfTest, HostProcessHoldsPortInHostNamespaceOnly) {
    std::string error;
    const auto holder = sandbox().start_in_host({"busybox", "httpd", "-f", "-p", "8092"}, &error);
    ASSERT_TRUE(holder.running()) << error;
    ASSERT_TRUE(sandbox().wait_for_host_listener(8092));
    EXPECT_EQ(sandbox().client_connect(8092), ConnectOutcome::open);
}

// The engine matrix means something only if the sandbox runs the release it was asked for
// (DND_ENGINE, scripts/engine.sh), not the host's dockerd.
TEST_F(SandboxSelfTest, EngineIsTheReleaseAskedFor) {
    const char* asked = std::getenv("DND_ENGINE");
    const auto version = sandbox().docker({"version", "--format", "{{.Server.Version}}"}, 10s);
    ASSERT_TRUE(version.ok()) << version.describe();
    const std::string server = version.out.substr(0, version.out.find('\n'));
    if (asked == nullptr || *asked == '\0') {
        const auto host = run_process({"dockerd", "--version"}, RunOptions{});
        ASSERT_TRUE(host.ok()) << host.describe();
        // "Docker version 20.10.24+dfsg1, build 297e128"
        EXPECT_NE(host.out.find("version " + server + ","), std::string::npos)
            << "the sandbox's engine is " << server << ", the host's dockerd says " << host.out;
    } else {
        EXPECT_TRUE(server.starts_with(std::string(asked) + ".")) << "DND_ENGINE=" << asked << ", engine " << server;
    }
}

TEST_F(SandboxSelfTest, ChildProcessTimeoutIsEnforced) {
    RunOptions options;
    options.timeout = std::chrono::milliseconds(300);
    const auto start = std::chrono::steady_clock::now();
    const auto result = run_process({"sleep", "30"}, options);
    EXPECT_TRUE(result.timed_out);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace dnd::test
