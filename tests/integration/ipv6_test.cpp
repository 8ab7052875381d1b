// IPv6: the client namespace (fd00:dd:N::2) reaches a container on an IPv6 network published
// on [::]:PORT. Docker 28 DNATs it with its ip6tables rules (on by default); 20.10 and 26.1
// leave ip6tables off, so docker-proxy on [::]:PORT answers through the input hook. The
// evaluated path, the probes and a real connection agree; each engine's IPv6-only break is
// named while IPv4 keeps working.
#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class Ipv6Test : public SandboxTest {
protected:
    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped()) return;
        if (sandbox().client_addr6().empty()) GTEST_SKIP() << "this sandbox gives the client no IPv6 address";
    }

    // The path of the client's packet to the host's ADDRESS.
    static nlohmann::json path_from(const Diagnosis& d, const std::string& saddr) {
        if (!d.json) return nullptr;
        for (const auto& p : d.json->value("paths", nlohmann::json::array()))
            if (p["packet"].value("saddr", std::string()) == saddr) return p;
        return nullptr;
    }
};

TEST_F(Ipv6Test, PublishedPortOverIpv6AndAnIpv6OnlyBreak) {
    const bool ip6tables_on = sandbox().engine_major() >= 28;
    const auto net = sandbox().create_network("it-v6-net", {"--ipv6", "--subnet", "fd00:db8:61::/64"});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto web = sandbox().run_container(
        "it-v6-web", {"--network", net.name(), "-p", "8180:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_TRUE(eventually(
        [&] { return sandbox().client_connect_to(sandbox().host_addr6(), 8180, 500ms) == ConnectOutcome::open; }, 10s));
    // The container's IPv6 address answers once its duplicate address detection is over.
    const std::string address6 =
        sandbox().inspect(web.name(), "{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}");
    ASSERT_FALSE(address6.empty());
    ASSERT_TRUE(eventually([&] { return sandbox().in_host({"busybox", "nc", "-w", "1", address6, "80"}, 5s).ok(); }, 10s));

    const auto healthy = diagnose_json(web.name(), {"--from", sandbox().client_addr6()});
    const auto path = path_from(healthy, sandbox().client_addr6());
    ASSERT_FALSE(path.is_null()) << healthy.describe();
    EXPECT_EQ(path["packet"].value("daddr", std::string()), sandbox().host_addr6()) << path.dump(2);
    EXPECT_EQ(path.value("verdict", std::string()), ip6tables_on ? "forwarded" : "delivered-local") << path.dump(2);
    EXPECT_EQ(healthy.process.exit_code, 0) << healthy.describe();
    EXPECT_EQ(outcome_at(healthy, "host-published", sandbox().host_addr6(), 8180), "open") << healthy.describe();
    EXPECT_EQ(outcome_of(healthy, "host-to-container", address6), "open") << healthy.describe();

    // A client routing to the container's own IPv6 address: Docker 28's ip6 raw rule drops it.
    const auto direct = diagnose_json(web.name(), {"--from", sandbox().client_addr6(), "--direct"});
    const auto direct_path = path_from(direct, sandbox().client_addr6());
    ASSERT_FALSE(direct_path.is_null()) << direct.describe();
    EXPECT_EQ(direct_path["packet"].value("daddr", std::string()), address6) << direct_path.dump(2);
    EXPECT_EQ(direct_path.value("verdict", std::string()), ip6tables_on ? "dropped" : "forwarded") << direct_path.dump(2);
    EXPECT_EQ(sandbox().client_connect_to(address6, 80, 2s), ip6tables_on ? ConnectOutcome::timeout : ConnectOutcome::open);
    if (ip6tables_on) {
        EXPECT_TRUE(reports_top_cause(direct, "netfilter.direct-routing-blocked", 2));
    }

    // The break: in Docker 28's ip6tables DOCKER-USER; before, in the input hook docker-proxy's
    // IPv6 listener is reached through (on the external interface: the host's own probes stay).
    const std::string rule =
        ip6tables_on ? "DOCKER-USER -p tcp --dport 80 -j DROP" : "INPUT -i ext0 -p tcp --dport 8180 -j DROP";
    HostChange drop(sandbox(), "ip6tables -I " + rule, "ip6tables -D " + rule);
    ASSERT_TRUE(drop.result().ok()) << drop.result().describe();
    EXPECT_EQ(sandbox().client_connect_to(sandbox().host_addr6(), 8180, 2s), ConnectOutcome::timeout);
    EXPECT_EQ(sandbox().client_connect(8180, 2s), ConnectOutcome::open) << "IPv4 is not affected";

    const auto broken = diagnose_json(web.name(), {"--from", sandbox().client_addr6()});
    const auto dropped = path_from(broken, sandbox().client_addr6());
    ASSERT_FALSE(dropped.is_null()) << broken.describe();
    EXPECT_EQ(dropped.value("verdict", std::string()), "dropped") << dropped.dump(2);
    EXPECT_TRUE(reports_top_cause(broken, ip6tables_on ? "netfilter.forward-drop" : "netfilter.input-drop", 2));
    EXPECT_TRUE(any_line_contains(cause_with_id(broken, broken.top_cause_id())["evidence"], "ip6 filter"))
        << broken.describe();
    const auto v4 = diagnose_json(web.name(), {"--from", sandbox().client_addr()});
    EXPECT_EQ(v4.process.exit_code, 0) << "IPv4 clients are fine\n" << v4.describe();
}

}  // namespace
}  // namespace dnd::test
