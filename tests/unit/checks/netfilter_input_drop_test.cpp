// netfilter.input-drop: the packet to a local socket (the app on the host network, or
// docker-proxy) dies in an input hook.
#include "check_case.hpp"
#include "host_firewall.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

// "docker run --network host httpd; my nftables.conf lets only ssh in."
TEST(NetfilterInputDrop, FiresForTheHostNetworkAppsOwnPort) {
    auto r = checks::netfilter_input_drop().run(FactsBuilder().network_mode("host").no_binding(80).nftables_table(ssh_only_firewall()).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.input-drop", tcp(80), Severity::critical,
                            "tcp to web port 80/tcp is dropped in the input hook"));
    EXPECT_THAT(f.evidence, ElementsAre("decided by: inet filter input policy drop", "chain: inet filter input (input hook)",
                                        "packet: tcp 203.0.113.77:40000 -> 192.0.2.10:80 in eth0 (dropped)",
                                        "HostConfig.NetworkMode = host: the host port is the app's own",
                                        "tcp 0.0.0.0:80 LISTEN httpd(pid 2927)"));
    EXPECT_THAT(f.fix, ElementsAre("allow it at the end of inet filter input, before its policy drops it; run: nft add "
                                   "rule inet filter input tcp dport 80 accept"));
}

// "dockerd --iptables=false, so docker-proxy takes 8080, and a rule drops tcp dport 8080."
TEST(NetfilterInputDrop, FiresForDockerProxysPortWhenIptablesIsOff) {
    auto firewall = host_firewall({input_chain(Kind::accept, {rule(tcp_dport(8080), verdict(Kind::drop))})});
    auto r = checks::netfilter_input_drop().run(FactsBuilder().daemon_option("iptables", false).nftables_table(firewall).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.input-drop", tcp(80), Severity::critical,
                            "tcp to web port 80/tcp is dropped in the input hook"));
    EXPECT_THAT(f.evidence, Contains("NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080"));
    EXPECT_THAT(f.fix, ElementsAre("allow it in inet filter input, before the rule that drops it; run: nft insert rule "
                                   "inet filter input position 2 tcp dport 8080 accept",
                                   "or delete the rule that drops it; run: nft delete rule inet filter input handle 2"));
}

// "-p 8080:80 with an ssh-only input firewall": Docker's DNAT forwards the packet past input
// (exposure.firewall-bypass warns about that).
TEST(NetfilterInputDrop, QuietForAPublishedPortForwardedPastInput) {
    EXPECT_TRUE(quiet(checks::netfilter_input_drop().run(FactsBuilder().nftables_table(ssh_only_firewall()).build())));
}

// "--network host, and my firewall lets tcp dport 80 in."
TEST(NetfilterInputDrop, QuietWhenTheFirewallAllowsTheAppsPort) {
    auto firewall = host_firewall({input_chain(Kind::drop, {rule(tcp_dport(80), verdict(Kind::accept))})});
    auto f = FactsBuilder().network_mode("host").no_binding(80).nftables_table(firewall).build();
    EXPECT_TRUE(quiet(checks::netfilter_input_drop().run(f)));
}

// "--network host, and nft list ruleset is denied to me (no root)."
TEST(NetfilterInputDrop, UndecidedWithoutTheRuleset) {
    auto r = checks::netfilter_input_drop().run(FactsBuilder().network_mode("host").no_binding(80).unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs a decided path for tcp 203.0.113.77:40000 -> 192.0.2.10:80 in eth0: "
                                   "unknown: the nftables ruleset could not be read (permission denied) (otherwise "
                                   "delivered-local by no rule or policy refused it)"}));
}

}  // namespace
}  // namespace dnd
