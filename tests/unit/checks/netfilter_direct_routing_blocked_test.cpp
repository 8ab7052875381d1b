// netfilter.direct-routing-blocked: a client that routes to the container's own address is
// dropped by Docker's raw-table rule (Docker 28+). The rule shapes are Docker 28.5's, as
// `iptables-nft -t raw -S` shows them in the sandbox:
// `-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP`.
#include <string_view>

#include "check_case.hpp"
#include "nf_rule_parts.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using nf::ChainType;
using nf::Family;
using nf::Hook;
using Kind = nf::Verdict::Kind;

constexpr std::string_view kDocker28 = "28.5.2+dfsg4";

// Table ip raw with one PREROUTING rule that drops what MATCHES: Docker 28's for web
// (172.17.0.2 on docker0) by default.
nf::Table docker28_raw(std::vector<nf::Expr> matches) { return raw_prerouting({rule(std::move(matches), verdict(Kind::drop))}); }
nf::Table docker28_raw() { return docker28_raw(all_of({ip_daddr("172.17.0.2"), iifname_not("docker0")})); }

// "A host on my LAN routes 172.17.0.0/16 to this Docker 28 host and connects to 172.17.0.2:80."
TEST(NetfilterDirectRoutingBlocked, FiresForARoutedClientOnDocker28) {
    auto r = checks::netfilter_direct_routing_blocked().run(
        FactsBuilder().engine_version(std::string(kDocker28)).direct().nftables_table(docker28_raw()).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.direct-routing-blocked", tcp(80), Severity::critical,
                            "tcp to web at 172.17.0.2 port 80/tcp is dropped in the prerouting hook"));
    EXPECT_THAT(f.evidence,
                ElementsAre("decided by: ip raw PREROUTING handle 2: ip daddr 172.17.0.2 iifname != \"docker0\" drop",
                            "chain: ip raw PREROUTING (prerouting hook)",
                            "engine: Docker 28.5.2+dfsg4",
                            "network bridge (docker0): gateway mode nat (com.docker.network.bridge.gateway_mode_ipv4 "
                            "not set: the default), in which Docker 28 and later drop routed access to container "
                            "addresses",
                            "packet: tcp 203.0.113.77:40000 -> 172.17.0.2:80 in eth0 (dropped)",
                            "the client connects to web's own address, not to a published port (--direct)"));
    EXPECT_THAT(f.fix,
                ElementsAre("connect to the published port instead (0.0.0.0:8080): Docker leaves that path open to "
                            "other hosts",
                            "or attach web to a network that accepts routed clients (the gateway mode is set when a "
                            "network is created); run: docker network create -o "
                            "com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected NET && docker network "
                            "connect NET web (routed instead of nat-unprotected: no NAT, published ports only)",
                            "or let every bridge network accept routed clients: \"allow-direct-routing\": true in "
                            "daemon.json (dockerd --allow-direct-routing), then restart the engine"));
}

// "Same, with iptables-legacy on the host, for a port the container only exposes."
TEST(NetfilterDirectRoutingBlocked, FiresForTheLegacyRuleOfAnUnpublishedPort) {
    auto raw = docker28_raw();
    auto r = checks::netfilter_direct_routing_blocked().run(FactsBuilder()
                                                                .engine_version(std::string(kDocker28))
                                                                .no_binding(80)
                                                                .exposed(80)
                                                                .port(80)
                                                                .direct()
                                                                .legacy_table(raw)
                                                                .build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.id, "netfilter.direct-routing-blocked");
    EXPECT_THAT(f.evidence, Contains("decided by: iptables-legacy ip raw PREROUTING rule 1: ip daddr 172.17.0.2 "
                                     "iifname != \"docker0\" drop"));
    ASSERT_FALSE(f.fix.empty());
    EXPECT_EQ(f.fix.front(), "publish the port (-p 80:80) and connect to the host's address and that port");
}

// "The network was created with gateway mode nat; the engine says so."
TEST(NetfilterDirectRoutingBlocked, NamesTheGatewayModeTheNetworkWasGiven) {
    auto r = checks::netfilter_direct_routing_blocked().run(
        FactsBuilder()
            .network_option("bridge", "com.docker.network.bridge.gateway_mode_ipv4", "nat")
            .direct()
            .nftables_table(docker28_raw())
            .build());
    EXPECT_THAT(the_finding(r).evidence,
                Contains("network bridge (docker0): gateway mode nat (com.docker.network.bridge.gateway_mode_ipv4), "
                         "in which Docker 28 and later drop routed access to container addresses"));
}

// "The same client asks about the published port: Docker's rule is for the container's address."
TEST(NetfilterDirectRoutingBlocked, QuietForThePublishedPort) {
    auto f = FactsBuilder().engine_version(std::string(kDocker28)).nftables_table(docker28_raw()).build();
    EXPECT_TRUE(quiet(checks::netfilter_direct_routing_blocked().run(f)));
    ASSERT_TRUE(f.paths && !f.paths->empty());
    EXPECT_EQ(f.paths->front().verdict, PathVerdict::forwarded) << f.paths->front().decided_by;
}

// "Docker 20.10 to 27 make no raw rule: routed clients get through."
TEST(NetfilterDirectRoutingBlocked, QuietOnAnEngineWithoutTheRule) {
    auto f = FactsBuilder().direct().build();
    EXPECT_TRUE(quiet(checks::netfilter_direct_routing_blocked().run(f)));
    ASSERT_TRUE(f.paths && !f.paths->empty());
    EXPECT_EQ(f.paths->front().verdict, PathVerdict::forwarded) << f.paths->front().decided_by;
}

// "My rule drops packets to 172.17.0.2 unless they come in on eth1": the exception is not a
// bridge, so the rule is the host's; netfilter.prerouting-drop names it.
TEST(NetfilterDirectRoutingBlocked, QuietForAHostRuleExemptingAnotherInterface) {
    auto f = FactsBuilder()
                 .direct()
                 .nftables_table(docker28_raw(all_of({ip_daddr("172.17.0.2"), iifname_not("eth1")})))
                 .build();
    EXPECT_TRUE(quiet(checks::netfilter_direct_routing_blocked().run(f)));
    EXPECT_EQ(the_finding(checks::netfilter_prerouting_drop().run(f)).id, "netfilter.prerouting-drop");
}

// "My own raw rule drops everything to 172.17.0.2, from any interface": not Docker's block,
// netfilter.prerouting-drop names it.
TEST(NetfilterDirectRoutingBlocked, QuietForAHostRuleWithoutTheBridgeException) {
    auto f = FactsBuilder().direct().nftables_table(docker28_raw(ip_daddr("172.17.0.2"))).build();
    EXPECT_TRUE(quiet(checks::netfilter_direct_routing_blocked().run(f)));
    EXPECT_EQ(the_finding(checks::netfilter_prerouting_drop().run(f)).id, "netfilter.prerouting-drop");
}

}  // namespace
}  // namespace dnd
