// Drops in raw PREROUTING, told apart by what made them, on the engine's real rules: Docker 28's
// block of clients that route to a container's own address (--direct), Docker 28's drop of
// packets for a port published on 127.0.0.1, and a host rule of a blocklist's kind. Where a
// real connection can show the outcome, the client namespace makes it: the evaluator's
// verdict must be what the kernel did. Runs on every engine of the matrix; what differs
// between them is asserted per engine (Docker 28 makes the raw rules, 20.10 and 26.1 do not).
// The client namespace's default route goes through the sandbox host, so it routes to the
// containers' addresses as a LAN host with a route to the bridge's subnet does.
#include <string>

#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class RawPreroutingTest : public SandboxTest {
protected:
    // A web server on NETWORK (default: the default bridge) published on HOST_PORT:80.
    ScopedContainer start_web(const std::string& name, int host_port, const std::string& network = "") {
        std::vector<std::string> args;
        if (!network.empty()) args = {"--network", network};
        args.insert(args.end(), {"-p", std::to_string(host_port) + ":80", image(), "httpd", "-f", "-p", "80"});
        auto web = sandbox().run_container(name, args);
        EXPECT_TRUE(web.run_result().ok()) << web.run_result().describe();
        EXPECT_TRUE(wait_for_container_listener(web.name(), 80));
        return web;
    }

    std::string address_of(const ScopedContainer& c) const {
        return sandbox().inspect(c.name(), "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
    }

    // The client's packet to ADDRESS:80 comes to EXPECTED_VERDICT, and a real connection from
    // the client namespace does what that verdict means.
    void expect_direct_path(const Diagnosis& d, const std::string& address, const std::string& expected_verdict) {
        const auto path = path_of(d, sandbox().client_addr(), address);
        ASSERT_FALSE(path.is_null()) << "no path for the client's packet to " << address << "\n" << d.describe();
        EXPECT_EQ(path.value("verdict", std::string()), expected_verdict) << path.dump(2);
        const ConnectOutcome expected = expected_verdict == "forwarded" ? ConnectOutcome::open : ConnectOutcome::timeout;
        EXPECT_EQ(sandbox().client_connect_to(address, 80, 2s), expected)
            << "evaluator: " << expected_verdict << " (" << path.value("decided_by", std::string()) << ")";
    }
};

// "A host on my LAN routes to the container's address through this host." Docker 20.10 and
// 26.1 let it in; Docker 28 drops it in raw PREROUTING, and the cause says so.
TEST_F(RawPreroutingTest, RoutedClientToTheContainerAddress) {
    const auto web = start_web("it-raw-direct", 8150);
    const std::string address = address_of(web);
    ASSERT_FALSE(address.empty());

    const auto d = diagnose_json(web.name(), {"--from", sandbox().client_addr(), "--direct"});
    if (sandbox().engine_major() >= 28) {
        expect_direct_path(d, address, "dropped");
        EXPECT_TRUE(reports_top_cause(d, "netfilter.direct-routing-blocked", 2));
        const auto cause = cause_with_id(d, "netfilter.direct-routing-blocked");
        EXPECT_TRUE(any_line_contains(cause["evidence"], "gateway mode nat (com.docker.network.bridge.gateway_mode_ipv4 not set")) << cause.dump(2);
        EXPECT_TRUE(any_line_contains(cause["fix"], "connect to the published port instead (0.0.0.0:8150")) << cause.dump(2);
        // The same client on the published port is let through, as the fix says.
        EXPECT_EQ(sandbox().client_connect(8150, 2s), ConnectOutcome::open);
    } else {
        expect_direct_path(d, address, "forwarded");
        EXPECT_EQ(d.process.exit_code, 0) << d.describe();
    }
    EXPECT_TRUE(d.json && d.json->value("question", std::string()).find("at its own address") != std::string::npos)
        << d.describe();
}

// "I created the network with gateway mode nat-unprotected": Docker 28 then leaves routed
// clients alone, and the tool says ok. Engines before gateway modes (27) ignore the option.
TEST_F(RawPreroutingTest, GatewayModeNatUnprotectedLetsRoutedClientsIn) {
    const auto net = sandbox().create_network(
        "it-raw-unprotected", {"-o", "com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected"});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto web = start_web("it-raw-unprotected-web", 8151, net.name());
    const std::string address = address_of(web);
    ASSERT_FALSE(address.empty());

    const auto d = diagnose_json(web.name(), {"--from", sandbox().client_addr(), "--direct"});
    expect_direct_path(d, address, "forwarded");
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
}

// "fail2ban banned my client": a host rule in raw PREROUTING. Its own evidence (the rule), the
// allowance where it drops as the fix, and the blocklist named; the fix works for real.
TEST_F(RawPreroutingTest, HostRuleIsNamedAsTheHostsWithItsAllowance) {
    const auto web = start_web("it-raw-ban", 8152);
    ASSERT_EQ(sandbox().client_connect(8152, 2s), ConnectOutcome::open) << "before the ban";
    const std::string ban = "PREROUTING -s " + sandbox().client_addr() + " -p tcp --dport 8152 -j DROP";
    HostChange rule(sandbox(), "iptables -t raw -I " + ban, "iptables -t raw -D " + ban);
    ASSERT_TRUE(rule.result().ok()) << rule.result().describe();

    const auto d = diagnose_json(web.name(), {"--from", sandbox().client_addr()});
    const auto path = path_of(d, sandbox().client_addr(), sandbox().host_addr());
    ASSERT_FALSE(path.is_null()) << d.describe();
    EXPECT_EQ(path.value("verdict", std::string()), "dropped") << path.dump(2);
    EXPECT_EQ(sandbox().client_connect(8152, 2s), ConnectOutcome::timeout);
    EXPECT_TRUE(reports_top_cause(d, "netfilter.prerouting-drop", 2));
    const auto cause = cause_with_id(d, "netfilter.prerouting-drop");
    EXPECT_TRUE(any_line_contains(cause["fix"], "unban the client there")) << cause.dump(2);
    EXPECT_FALSE(any_line_contains(cause["evidence"], "Docker's rule")) << cause.dump(2);

    const auto command = top_fix_command(d);
    ASSERT_TRUE(command) << d.describe();
    EXPECT_TRUE(command->starts_with("iptables-nft -t raw -I PREROUTING 1 ")) << *command;
    AppliedFix fix(sandbox(), *command);
    ASSERT_TRUE(fix.result().ok()) << *command << "\n" << fix.result().describe();
    EXPECT_EQ(sandbox().client_connect(8152, 2s), ConnectOutcome::open) << "after: " << *command;
}

// "Published on 127.0.0.1 only; is a client elsewhere let in?" Docker 28 adds a raw rule that
// drops packets for 127.0.0.1:PORT from other interfaces; the finding says it is Docker's and
// why. (A real client cannot address the host's 127.0.0.1: the evaluator's verdict on the
// engine's real rule is what is shown.)
TEST_F(RawPreroutingTest, DockersDropForALoopbackPublishedPortIsNamedAsDockers) {
    auto web = sandbox().run_container("it-raw-loopback",
                                       {"-p", "127.0.0.1:8153:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    const auto d = diagnose_json(web.name(), {"--from", sandbox().client_addr()});
    EXPECT_TRUE(reports_top_cause(d, "port.host-bind-loopback", 2));
    const auto drop = cause_with_id(d, "netfilter.prerouting-drop");
    if (sandbox().engine_major() >= 28) {
        EXPECT_TRUE(any_line_contains(drop["evidence"], "Docker's rule: the port is published on 127.0.0.1 only"))
            << d.describe();
        EXPECT_FALSE(any_line_contains(drop["fix"], "unban")) << drop.dump(2);
    } else {
        EXPECT_TRUE(drop.empty()) << drop.dump(2);
    }
}

}  // namespace
}  // namespace dnd::test
