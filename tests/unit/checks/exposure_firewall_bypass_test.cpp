// exposure.firewall-bypass: the host's input rules deny the published port, yet Docker's DNAT
// sends the packet through forward instead, where it is let in.
#include "check_case.hpp"
#include "host_firewall.hpp"
#include "ufw_host.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

// "My firewall lets only ssh in, yet anyone reaches -p 8080:80."
TEST(ExposureFirewallBypass, FiresWhenTheInputPolicyDropsWhatDockerForwards) {
    auto r = checks::exposure_firewall_bypass().run(FactsBuilder().nftables_table(ssh_only_firewall()).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "exposure.firewall-bypass", tcp(80), Severity::warning,
                            "the host firewall denies tcp port 8080, but Docker's DNAT lets outside clients reach web"));
    EXPECT_THAT(f.evidence, ElementsAre("input would deny it: inet filter input policy drop",
                                        "yet: tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0 is DNAT'd to "
                                        "172.17.0.2:80 and forwarded out docker0",
                                        "forward path ends at: ip filter FORWARD policy accept",
                                        "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080"));
    EXPECT_THAT(f.fix, ElementsAre("keep outside clients out as the host firewall intends, in DOCKER-USER which forwarded "
                                   "packets pass (allow wanted sources above it); run: iptables-nft -I DOCKER-USER -i "
                                   "eth0 -d 172.17.0.2 -p tcp --dport 80 -j DROP",
                                   "or publish on loopback only: -p 127.0.0.1:8080:80",
                                   "with ufw: ufw-docker or `ufw route` rules; with firewalld: the docker zone/policy"));
}

// "My firewall has `tcp dport 8080 drop`, yet the port is open."
TEST(ExposureFirewallBypass, FiresWhenAnInputRuleDropsThePublishedPort) {
    auto firewall = host_firewall({input_chain(Kind::accept, {rule(tcp_dport(8080), verdict(Kind::drop))})});
    auto r = checks::exposure_firewall_bypass().run(FactsBuilder().nftables_table(firewall).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "the host firewall denies tcp port 8080, but Docker's DNAT lets outside clients reach web");
    EXPECT_THAT(f.evidence, Contains("input would deny it: inet filter input handle 2: tcp dport 8080 drop"));
}

// "ufw default deny incoming, yet anyone reaches -p 8080:80": UFW named, with its way out.
TEST(ExposureFirewallBypass, NamesUfwsDefaultIncomingPolicy) {
    Facts f = FactsBuilder().build();
    nf::Table& filter = ip_filter(f);
    filter.chains.push_back(base_chain("INPUT", nf::ChainType::filter, nf::Hook::input, 0, Kind::drop,
                                       {rule({verdict(Kind::jump, "ufw-user-input")})}));
    chain_in(filter, "ufw-user-input");
    f.host->ufw = ufw_state("");
    Finding finding = the_finding(checks::exposure_firewall_bypass().run(evaluated(f)));
    EXPECT_EQ(finding.title, "UFW's default incoming policy denies tcp port 8080, but Docker's DNAT lets outside "
                             "clients reach web");
    EXPECT_THAT(finding.evidence, Contains("/etc/default/ufw: DEFAULT_INPUT_POLICY=\"DROP\""));
    EXPECT_EQ(finding.fix.back(), "with UFW: ufw-docker's DOCKER-USER block in /etc/ufw/after.rules "
                                  "(github.com/chaifeng/ufw-docker) puts published ports under UFW's route rules; then "
                                  "let in whom you choose: ufw route allow proto tcp from SOURCE to 172.17.0.2 port 80");
}

// "ufw default deny incoming, and ufw route allow for the container (ufw-docker)": the firewall
// itself lets it in.
TEST(ExposureFirewallBypass, QuietWhenUfwsRouteRuleAllowsIt) {
    Facts f = FactsBuilder().build();
    nf::Table& filter = ip_filter(f);
    filter.chains.push_back(base_chain("INPUT", nf::ChainType::filter, nf::Hook::input, 0, Kind::drop,
                                       {rule({verdict(Kind::jump, "ufw-user-input")})}));
    chain_in(filter, "ufw-user-input");
    chain_in(filter, "DOCKER-USER").rules = {rule({verdict(Kind::jump, "ufw-user-forward")})};
    chain_in(filter, "ufw-user-forward").rules = {rule(all_of({ip_daddr("172.17.0.2"), tcp_dport(80)}), verdict(Kind::accept))};
    f.host->ufw = ufw_state("");
    EXPECT_TRUE(quiet(checks::exposure_firewall_bypass().run(evaluated(f))));
}

// "No firewall of my own": the healthy default.
TEST(ExposureFirewallBypass, QuietWithoutAnInputFirewall) {
    EXPECT_TRUE(quiet(checks::exposure_firewall_bypass().run(FactsBuilder().build())));
}

// "My firewall drops by default and lets tcp dport 8080 in."
TEST(ExposureFirewallBypass, QuietWhenTheFirewallAllowsThePort) {
    auto firewall = host_firewall({input_chain(Kind::drop, {rule(tcp_dport(8080), verdict(Kind::accept))})});
    EXPECT_TRUE(quiet(checks::exposure_firewall_bypass().run(FactsBuilder().nftables_table(firewall).build())));
}

// "Input and forward both drop by default": nothing gets through (netfilter.forward-drop).
TEST(ExposureFirewallBypass, QuietWhenForwardDropsToo) {
    auto firewall = host_firewall({input_chain(Kind::drop), forward_chain(Kind::drop)});
    EXPECT_TRUE(quiet(checks::exposure_firewall_bypass().run(FactsBuilder().nftables_table(firewall).build())));
}

// "I connect from this host": the input firewall is about clients from elsewhere.
TEST(ExposureFirewallBypass, QuietForAClientOnThisHost) {
    auto f = FactsBuilder().from("127.0.0.1").nftables_table(ssh_only_firewall()).build();
    EXPECT_TRUE(quiet(checks::exposure_firewall_bypass().run(f)));
}

// "nft list ruleset is denied to me (no root)."
TEST(ExposureFirewallBypass, UndecidedWithoutTheRuleset) {
    auto r = checks::exposure_firewall_bypass().run(FactsBuilder().unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs a decided path for tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0: "
                                   "unknown: the nftables ruleset could not be read (permission denied) (otherwise "
                                   "delivered-local by no rule or policy refused it)"}));
}

}  // namespace
}  // namespace dnd
