// netfilter.forward-drop: the packet, DNAT'd to the container, dies in a forward hook.
#include "check_case.hpp"
#include "host_firewall.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

// "/etc/nftables.conf has chain forward { policy drop; }, and -p 8080:80 stopped answering."
TEST(NetfilterForwardDrop, FiresForAForwardPolicyDrop) {
    auto r = checks::netfilter_forward_drop().run(FactsBuilder().nftables_table(host_firewall({forward_chain(Kind::drop)})).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.forward-drop", tcp(80), Severity::critical,
                            "tcp to web port 80/tcp is dropped in the forward hook"));
    EXPECT_THAT(f.evidence, ElementsAre("decided by: inet filter forward policy drop",
                                        "chain: inet filter forward (forward hook)",
                                        "packet: tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0, after DNAT -> "
                                        "172.17.0.2:80 (dropped)",
                                        "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080"));
    EXPECT_THAT(f.fix, ElementsAre("inet filter forward holds no rules and drops by its policy: let it accept; run: "
                                   "nft chain inet filter forward '{ policy accept; }'"));
}

// "Someone added `tcp dport 80 drop` to the forward chain."
TEST(NetfilterForwardDrop, FiresForARuleAndOffersToAllowOrDeleteIt) {
    auto firewall = host_firewall({forward_chain(Kind::accept, {rule(tcp_dport(80), verdict(Kind::drop))})});
    auto r = checks::netfilter_forward_drop().run(FactsBuilder().nftables_table(firewall).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "tcp to web port 80/tcp is dropped in the forward hook");
    EXPECT_THAT(f.fix, ElementsAre("allow it in inet filter forward, before the rule that drops it; run: nft insert rule "
                                   "inet filter forward position 2 ip daddr 172.17.0.2 tcp dport 80 accept",
                                   "or delete the rule that drops it; run: nft delete rule inet filter forward handle 2"));
}

// "An old script set iptables-legacy's FORWARD policy to DROP": the fix uses iptables-legacy.
TEST(NetfilterForwardDrop, FiresForALegacyPolicyWithTheLegacyTool) {
    auto legacy = table(nf::Family::ip, "filter", {base_chain("FORWARD", nf::ChainType::filter, nf::Hook::forward, 0, Kind::drop)});
    auto r = checks::netfilter_forward_drop().run(FactsBuilder().legacy_table(legacy).build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("decided by: iptables-legacy ip filter FORWARD policy drop"));
    EXPECT_THAT(f.fix, ElementsAre("iptables-legacy ip filter FORWARD holds no rules and drops by its policy: let it "
                                   "accept; run: iptables-legacy -P FORWARD ACCEPT"));
}

// "No firewall of my own": the healthy default.
TEST(NetfilterForwardDrop, QuietWithoutAForwardFirewall) {
    EXPECT_TRUE(quiet(checks::netfilter_forward_drop().run(FactsBuilder().build())));
}

// "forward policy drop, with `tcp dport 80 accept` for the web container."
TEST(NetfilterForwardDrop, QuietWhenARuleAcceptsTheContainerPort) {
    auto firewall = host_firewall({forward_chain(Kind::drop, {rule(tcp_dport(80), verdict(Kind::accept))})});
    EXPECT_TRUE(quiet(checks::netfilter_forward_drop().run(FactsBuilder().nftables_table(firewall).build())));
}

// "input policy drop": the forwarded packet never passes input (exposure.firewall-bypass).
TEST(NetfilterForwardDrop, QuietWhenOnlyInputDrops) {
    auto firewall = host_firewall({input_chain(Kind::drop)});
    EXPECT_TRUE(quiet(checks::netfilter_forward_drop().run(FactsBuilder().nftables_table(firewall).build())));
}

// "nft list ruleset is denied to me (no root)."
TEST(NetfilterForwardDrop, UndecidedWithoutTheRuleset) {
    auto r = checks::netfilter_forward_drop().run(FactsBuilder().unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs a decided path for tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0: "
                                   "unknown: the nftables ruleset could not be read (permission denied) (otherwise "
                                   "delivered-local by no rule or policy refused it)"}));
}

}  // namespace
}  // namespace dnd
