// IPv6: the client namespace (fd00:dd:N::2) reaches a container on an IPv6 network published
// on [::]:PORT. Docker 28 DNATs it with its ip6tables rules (on by default); 20.10 and 26.1
// leave ip6tables off, so docker-proxy on [::]:PORT answers through the input hook. The
// evaluated path, the probes and a real connection agree; each engine's IPv6-only break is
// named while IPv4 keeps working. The same runs with "ip6tables": false in a sandbox of the
// test's own, so Docker 28 is seen leaving IPv6 to docker-proxy as well.
#include "host_change.hpp"
#include "owned_sandbox.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class Ipv6Test : public SandboxTest {
public:
    // The scenario on SANDBOX, whose engine writes IPv6 rules (ip6tables on) or leaves IPv6
    // to docker-proxy.
    static void published_port_over_ipv6(const Sandbox& sandbox, bool ip6tables_on);

protected:
    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped()) return;
        if (sandbox().client_addr6().empty()) GTEST_SKIP() << "this sandbox gives the client no IPv6 address";
    }
};

void Ipv6Test::published_port_over_ipv6(const Sandbox& sandbox, bool ip6tables_on) {
    const auto diagnose_json = [&](const std::string& name, std::vector<std::string> args) {
        args.insert(args.begin(), {"--format", "json"});
        args.push_back(name);
        return sandbox.diagnose(args);
    };
    const auto net = sandbox.create_network("it-v6-net", {"--ipv6", "--subnet", "fd00:db8:61::/64"});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto web = sandbox.run_container(
        "it-v6-web", {"--network", net.name(), "-p", "8180:80", sandbox.image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(eventually(
        [&] { return sandbox.client_connect_to(sandbox.host_addr6(), 8180, 500ms) == ConnectOutcome::open; }, 15s));
    // The container's IPv6 address answers once its duplicate address detection is over.
    const std::string address6 =
        sandbox.inspect(web.name(), "{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}");
    ASSERT_FALSE(address6.empty());
    ASSERT_TRUE(eventually([&] { return sandbox.in_host({"busybox", "nc", "-w", "1", address6, "80"}, 5s).ok(); }, 10s));

    const auto healthy = diagnose_json(web.name(), {"--from", sandbox.client_addr6()});
    const auto path = path_of(healthy, sandbox.client_addr6());
    ASSERT_FALSE(path.is_null()) << healthy.describe();
    EXPECT_EQ(path["packet"].value("daddr", std::string()), sandbox.host_addr6()) << path.dump(2);
    EXPECT_EQ(path.value("verdict", std::string()), ip6tables_on ? "forwarded" : "delivered-local") << path.dump(2);
    EXPECT_EQ(healthy.process.exit_code, 0) << healthy.describe();
    EXPECT_EQ(outcome_at(healthy, "host-published", sandbox.host_addr6(), 8180), "open") << healthy.describe();
    EXPECT_EQ(outcome_of(healthy, "host-to-container", address6), "open") << healthy.describe();

    // A client routing to the container's own IPv6 address: Docker 28's ip6 raw rule drops it.
    const auto direct = diagnose_json(web.name(), {"--from", sandbox.client_addr6(), "--direct"});
    const auto direct_path = path_of(direct, sandbox.client_addr6());
    ASSERT_FALSE(direct_path.is_null()) << direct.describe();
    EXPECT_EQ(direct_path["packet"].value("daddr", std::string()), address6) << direct_path.dump(2);
    const std::string direct_verdict = direct_path.value("verdict", std::string());
    EXPECT_EQ(sandbox.client_connect_to(address6, 80, 2s),
              direct_verdict == "forwarded" ? ConnectOutcome::open : ConnectOutcome::timeout)
        << "evaluator: " << direct_path.dump(2);
    if (ip6tables_on && sandbox.engine_major() >= 28) {
        EXPECT_EQ(direct_verdict, "dropped") << direct_path.dump(2);
        EXPECT_TRUE(reports_top_cause(direct, "netfilter.direct-routing-blocked", 2));
    } else {
        EXPECT_EQ(direct_verdict, "forwarded") << direct_path.dump(2);
    }

    // The break: in Docker 28's ip6tables DOCKER-USER; before, in the input hook docker-proxy's
    // IPv6 listener is reached through (on the external interface: the host's own probes stay).
    const std::string rule =
        ip6tables_on ? "DOCKER-USER -p tcp --dport 80 -j DROP" : "INPUT -i ext0 -p tcp --dport 8180 -j DROP";
    HostChange drop(sandbox, "ip6tables -I " + rule, "ip6tables -D " + rule);
    ASSERT_TRUE(drop.result().ok()) << drop.result().describe();
    EXPECT_EQ(sandbox.client_connect_to(sandbox.host_addr6(), 8180, 2s), ConnectOutcome::timeout);
    EXPECT_EQ(sandbox.client_connect(8180, 2s), ConnectOutcome::open) << "IPv4 is not affected";

    const auto broken = diagnose_json(web.name(), {"--from", sandbox.client_addr6()});
    const auto dropped = path_of(broken, sandbox.client_addr6());
    ASSERT_FALSE(dropped.is_null()) << broken.describe();
    EXPECT_EQ(dropped.value("verdict", std::string()), "dropped") << dropped.dump(2);
    EXPECT_TRUE(reports_top_cause(broken, ip6tables_on ? "netfilter.forward-drop" : "netfilter.input-drop", 2));
    EXPECT_TRUE(any_line_contains(cause_with_id(broken, broken.top_cause_id())["evidence"], "ip6 filter"))
        << broken.describe();
    const auto v4 = diagnose_json(web.name(), {"--from", sandbox.client_addr()});
    EXPECT_EQ(v4.process.exit_code, 0) << "IPv4 clients are fine\n" << v4.describe();
}


// The engine's default: Docker 28 writes IPv6 rules, 20.10 and 26.1 do not.
TEST_F(Ipv6Test, PublishedPortOverIpv6AndAnIpv6OnlyBreak) {
    published_port_over_ipv6(sandbox(), sandbox().engine_major() >= 28);
}

// "ip6tables": false (a daemon.json of the test's own sandbox): IPv6 clients reach
// docker-proxy's [::] listener through the input hook, on Docker 28 too.
TEST(Ipv6WithoutIp6tables, PublishedPortOverIpv6ThroughTheProxy) {
    OwnedSandbox owned("-v6", {}, R"({"ip6tables": false})");
    if (auto why = owned.skip_reason()) GTEST_SKIP() << *why;
    auto sandbox = owned.sandbox();
    ASSERT_TRUE(sandbox) << sandbox.error().message;
    if (sandbox->client_addr6().empty()) GTEST_SKIP() << "this sandbox gives the client no IPv6 address";
    Ipv6Test::published_port_over_ipv6(*sandbox, false);
}

}  // namespace
}  // namespace dnd::test
