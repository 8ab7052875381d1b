// An engine without its userland proxy ("userland-proxy": false), in a sandbox of the test's
// own: a client on the host connecting to 127.0.0.1:PORT is DNAT'd to the container by nat
// OUTPUT, leaves through the bridge only while route_localnet is on there (Docker sets it),
// and is masqueraded by Docker's hairpin rule. The evaluator's path, the cause and its fix are
// checked against real connections from the host. The published port is held by the engine
// itself (Docker 28 keeps the socket it bound; no docker-proxy runs), which is no conflict.
#include <optional>

#include "host_change.hpp"
#include "owned_sandbox.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

// A real connection from the sandbox host to 127.0.0.1:PORT.
bool host_loopback_connects(const Sandbox& sandbox, int port) {
    return sandbox.in_host({"busybox", "nc", "-w", "2", "127.0.0.1", std::to_string(port)}, 10s).ok();
}

TEST(UserlandProxyOff, TheLoopbackPathNeedsRouteLocalnetAndTheToolSaysSo) {
    OwnedSandbox owned("-nup", {}, R"({"userland-proxy": false})");
    if (auto why = owned.skip_reason()) GTEST_SKIP() << *why;
    auto sandbox = owned.sandbox();
    ASSERT_TRUE(sandbox) << sandbox.error().message;

    const auto web = sandbox->run_container("it-nup-web", {"-p", "8160:80", sandbox->image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(eventually([&] { return sandbox->client_connect(8160, 500ms) == ConnectOutcome::open; }, 15s));
    ASSERT_TRUE(host_loopback_connects(*sandbox, 8160)) << "Docker's loopback path, before any change";

    const std::vector<std::string> from_loopback{"--format", "json", "--from", "127.0.0.1", web.name()};
    const auto healthy = sandbox->diagnose(from_loopback);
    const auto sent = path_of(healthy, "127.0.0.1");
    ASSERT_FALSE(sent.is_null()) << healthy.describe();
    EXPECT_EQ(sent.value("verdict", std::string()), "sent") << sent.dump(2);
    EXPECT_EQ(sent.value("out_interface", std::string()), "docker0") << sent.dump(2);
    EXPECT_EQ(healthy.process.exit_code, 0) << healthy.describe();
    // The engine holds its own published port (dockerd on 28.x, no proxy): not a conflict.
    EXPECT_TRUE(cause_with_id(healthy, "port.host-port-conflict").empty()) << healthy.describe();

    HostChange off(*sandbox, "sysctl -qw net.ipv4.conf.docker0.route_localnet=0",
                   "sysctl -qw net.ipv4.conf.docker0.route_localnet=1");
    ASSERT_TRUE(off.result().ok()) << off.result().describe();
    EXPECT_FALSE(host_loopback_connects(*sandbox, 8160)) << "route_localnet 0 on docker0";
    const auto broken = sandbox->diagnose(from_loopback);
    const auto dropped = path_of(broken, "127.0.0.1");
    ASSERT_FALSE(dropped.is_null()) << broken.describe();
    EXPECT_EQ(dropped.value("verdict", std::string()), "dropped") << dropped.dump(2);
    EXPECT_EQ(dropped.value("decided_hook", std::string()), "rerouting") << dropped.dump(2);
    ASSERT_TRUE(broken.json) << broken.describe();
    ASSERT_FALSE(broken.json->value("causes", nlohmann::json::array()).empty()) << broken.describe();
    EXPECT_EQ(broken.top_cause_id(), "kernel.route-localnet-off") << broken.describe();
    EXPECT_EQ(broken.process.exit_code, 2) << broken.describe();
    // From another host the published port still works: only the loopback path is hurt.
    EXPECT_EQ(sandbox->client_connect(8160, 2s), ConnectOutcome::open);

    const auto command = top_fix_command(broken);
    ASSERT_TRUE(command) << broken.describe();
    EXPECT_EQ(*command, "sysctl -w net.ipv4.conf.docker0.route_localnet=1");
    AppliedFix fix(*sandbox, *command);
    ASSERT_TRUE(fix.result().ok()) << fix.result().describe();
    EXPECT_TRUE(host_loopback_connects(*sandbox, 8160)) << "after: " << *command;
    EXPECT_EQ(sandbox->diagnose(from_loopback).process.exit_code, 0) << "after: " << *command;
}

}  // namespace
}  // namespace dnd::test
