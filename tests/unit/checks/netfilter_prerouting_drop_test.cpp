// netfilter.prerouting-drop: the packet dies before routing (raw/mangle/filter prerouting:
// blocklists, fail2ban, Docker's drop for a port published on 127.0.0.1 only). Docker's
// direct-routing block is netfilter.direct-routing-blocked's.
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

// table ip blocklist { chain prerouting { type filter hook prerouting priority raw; RULE } }
nf::Table blocklist(nf::Rule banned) {
    return table(Family::ip, "blocklist",
                 {base_chain("prerouting", ChainType::filter, Hook::prerouting, -300, Kind::accept, {std::move(banned)})});
}

// "A blocklist banned my client 203.0.113.77; it cannot reach -p 8080:80 any more."
TEST(NetfilterPreroutingDrop, FiresForABannedClient) {
    auto r = checks::netfilter_prerouting_drop().run(
        FactsBuilder().nftables_table(blocklist(rule(ip_saddr("203.0.113.77"), verdict(Kind::drop)))).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.prerouting-drop", tcp(80), Severity::critical,
                            "tcp to web port 80/tcp is dropped in the prerouting hook"));
    EXPECT_THAT(f.evidence, ElementsAre("decided by: ip blocklist prerouting handle 2: ip saddr 203.0.113.77 drop",
                                        "chain: ip blocklist prerouting (prerouting hook)",
                                        "packet: tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0 (dropped)",
                                        "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080"));
    EXPECT_THAT(f.fix, ElementsAre("allow it in ip blocklist prerouting, before the rule that drops it; run: nft insert "
                                   "rule ip blocklist prerouting position 2 tcp dport 8080 accept",
                                   "or delete the rule that drops it; run: nft delete rule ip blocklist prerouting handle 2",
                                   "if a blocklist tool (fail2ban, crowdsec) added that rule, unban the client there"));
}

// "iptables-legacy -t raw -A PREROUTING -p tcp --dport 8080 -j DROP, from an old script."
TEST(NetfilterPreroutingDrop, FiresForALegacyRawRuleWithTheLegacyTool) {
    auto raw = raw_prerouting({rule(tcp_dport(8080), verdict(Kind::drop))});
    auto r = checks::netfilter_prerouting_drop().run(FactsBuilder().legacy_table(raw).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "tcp to web port 80/tcp is dropped in the prerouting hook");
    ASSERT_FALSE(f.fix.empty());
    EXPECT_EQ(f.fix.front(), "allow it in iptables-legacy ip raw PREROUTING, before the rule that drops it; run: "
                             "iptables-legacy -t raw -I PREROUTING 1 -p tcp --dport 8080 -j ACCEPT");
    EXPECT_THAT(f.fix, Contains("or delete the rule that drops it; run: iptables-legacy -t raw -D PREROUTING 1"));
}

// "No blocklist": the healthy default.
TEST(NetfilterPreroutingDrop, QuietWithoutPreroutingRules) {
    EXPECT_TRUE(quiet(checks::netfilter_prerouting_drop().run(FactsBuilder().build())));
}

// "The blocklist bans another address, not my client."
TEST(NetfilterPreroutingDrop, QuietWhenTheBanIsForAnotherClient) {
    auto f = FactsBuilder().nftables_table(blocklist(rule(ip_saddr("198.51.100.9"), verdict(Kind::drop)))).build();
    EXPECT_TRUE(quiet(checks::netfilter_prerouting_drop().run(f)));
}

// "A prerouting rule drops telnet (23) only."
TEST(NetfilterPreroutingDrop, QuietWhenTheRuleIsForAnotherPort) {
    auto f = FactsBuilder().nftables_table(blocklist(rule(tcp_dport(23), verdict(Kind::drop)))).build();
    EXPECT_TRUE(quiet(checks::netfilter_prerouting_drop().run(f)));
}

// "My own iptables -t raw rule drops tcp dport 8080 to the host's address 192.0.2.10": a rule
// with a destination address in raw PREROUTING, yet not Docker's; the fix is the allowance.
TEST(NetfilterPreroutingDrop, OffersTheAllowanceForAUsersRawRuleOnTheHostAddress) {
    auto raw = raw_prerouting({rule(all_of({ip_daddr("192.0.2.10"), tcp_dport(8080)}), verdict(Kind::drop))});
    auto r = checks::netfilter_prerouting_drop().run(FactsBuilder().nftables_table(raw).build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("decided by: ip raw PREROUTING handle 2: ip daddr 192.0.2.10 tcp dport 8080 drop"));
    ASSERT_FALSE(f.fix.empty());
    EXPECT_EQ(f.fix.front(), "allow it in ip raw PREROUTING, before the rule that drops it; run: iptables-nft -t raw -I "
                             "PREROUTING 1 -p tcp --dport 8080 -j ACCEPT");
}

// "Docker 28 published my port on 127.0.0.1 only; a client elsewhere sends to 127.0.0.1:8080":
// Docker's own rule, with Docker's reason and fix, not an allowance to insert before it.
TEST(NetfilterPreroutingDrop, NamesDockersDropForAPortPublishedOnLoopback) {
    auto raw = raw_prerouting({rule(all_of({ip_daddr("127.0.0.1"), iifname_not("lo"), tcp_dport(8080)}), verdict(Kind::drop))});
    auto r = checks::netfilter_prerouting_drop().run(
        FactsBuilder().publish(80, 8080, "127.0.0.1").nftables_table(raw).build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("Docker's rule: the port is published on 127.0.0.1 only, and Docker drops "
                                     "packets for 127.0.0.1:8080 that arrive on any interface but lo"));
    EXPECT_THAT(f.fix, ElementsAre("clients on this host: connect to 127.0.0.1:8080 from the host itself",
                                   "clients elsewhere: publish on an address they reach (-p 0.0.0.0:8080:80 or the "
                                   "host's address); Docker then makes no such rule"));
}

// Docker 29's nftables backend: the same drop in its own table, with its own comment (moby's
// nftablesdoc: raw-PREROUTING "DROP REMOTE LOOPBACK").
TEST(NetfilterPreroutingDrop, NamesDocker29sDropForAPortPublishedOnLoopback) {
    nf::Rule drop = rule(all_of({iifname_not("lo"), ip_daddr("127.0.0.1"), tcp_dport(8080)}), verdict(Kind::drop));
    drop.comment = "DROP REMOTE LOOPBACK";
    auto bridges = table(Family::ip, "docker-bridges",
                         {base_chain("raw-PREROUTING", ChainType::filter, Hook::prerouting, -300, Kind::accept,
                                     {std::move(drop)})});
    auto r = checks::netfilter_prerouting_drop().run(
        FactsBuilder().publish(80, 8080, "127.0.0.1").nftables_table(bridges).build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains(HasSubstr("Docker's rule: the port is published on 127.0.0.1 only")));
    EXPECT_THAT(f.fix, Not(Contains(HasSubstr("unban"))));
}

// "Docker 28 drops my routed client's packets to 172.17.0.2": netfilter.direct-routing-blocked
// names that, with its own fix.
TEST(NetfilterPreroutingDrop, QuietForDockersDirectRoutingBlock) {
    auto raw = raw_prerouting({rule(all_of({ip_daddr("172.17.0.2"), iifname_not("docker0")}), verdict(Kind::drop))});
    auto f = FactsBuilder().direct().nftables_table(raw).build();
    EXPECT_TRUE(quiet(checks::netfilter_prerouting_drop().run(f)));
    EXPECT_EQ(the_finding(checks::netfilter_direct_routing_blocked().run(f)).id, "netfilter.direct-routing-blocked");
}

// "nft list ruleset is denied to me (no root)."
TEST(NetfilterPreroutingDrop, UndecidedWithoutTheRuleset) {
    auto r = checks::netfilter_prerouting_drop().run(FactsBuilder().unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs a decided path for tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0: "
                                   "unknown: the nftables ruleset could not be read (permission denied) (otherwise "
                                   "delivered-local by no rule or policy refused it)"}));
}

}  // namespace
}  // namespace dnd
