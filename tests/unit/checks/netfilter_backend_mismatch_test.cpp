// netfilter.backend-mismatch: rules live in both iptables-legacy and nftables. Both run on the
// same hooks and a drop in either wins, yet each tool shows only its own half.
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

// An old iptables-legacy script's filter table: FORWARD policy drop.
nf::Table legacy_forward_drop() {
    return table(Family::ip, "filter", {base_chain("FORWARD", ChainType::filter, Hook::forward, 0, Kind::drop)});
}

// "Docker writes its rules with iptables-nft; an old script set FORWARD DROP with iptables-legacy."
TEST(NetfilterBackendMismatch, FiresAsTheCauseWhenALegacyPolicyDropsThePublishedPort) {
    auto r = checks::netfilter_backend_mismatch().run(FactsBuilder().legacy_table(legacy_forward_drop()).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.backend-mismatch", tcp(80), Severity::critical,
                            "an iptables-legacy rule drops what the nftables rules allow"));
    EXPECT_THAT(f.evidence, ElementsAre("iptables-legacy (/proc/net/ip_tables_names): ip filter (FORWARD policy drop, 0 rules)",
                                        "nftables: ip nat (3 rules), ip filter (1 rules)",
                                        "decided by: iptables-legacy ip filter FORWARD policy drop",
                                        "packet: tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0"));
    EXPECT_THAT(f.fix, Contains("list both halves: iptables-legacy-save and nft list ruleset"));
}

// "iptables-legacy still holds an ACCEPT for ssh beside Docker's nftables rules."
TEST(NetfilterBackendMismatch, WarnsWhenLegacyRulesDecideNothingHere) {
    auto ssh = table(Family::ip, "filter",
                     {base_chain("INPUT", ChainType::filter, Hook::input, 0, Kind::accept,
                                 {rule(tcp_dport(22), verdict(Kind::accept))})});
    auto r = checks::netfilter_backend_mismatch().run(FactsBuilder().legacy_table(ssh).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.severity, Severity::warning);
    EXPECT_EQ(f.port, std::nullopt);
    EXPECT_EQ(f.title, "rules live in both iptables-legacy and nftables: each tool shows only half of the firewall");
    EXPECT_THAT(f.evidence, Contains("no evaluated path is decided by an iptables-legacy rule"));
}

// "Only nftables holds rules": the healthy default.
TEST(NetfilterBackendMismatch, QuietWithOneBackend) {
    EXPECT_TRUE(quiet(checks::netfilter_backend_mismatch().run(FactsBuilder().build())));
}

// "Loading ip_tables created an empty legacy filter table": it decides nothing.
TEST(NetfilterBackendMismatch, QuietForAnEmptyLegacyTable) {
    auto empty = table(Family::ip, "filter", {base_chain("FORWARD", ChainType::filter, Hook::forward, 0)});
    EXPECT_TRUE(quiet(checks::netfilter_backend_mismatch().run(FactsBuilder().legacy_table(empty).build())));
}

// "This host is all iptables-legacy; nftables is empty."
TEST(NetfilterBackendMismatch, QuietWhenOnlyLegacyHoldsRules) {
    auto f = FactsBuilder().no_docker_rules().legacy_table(legacy_forward_drop()).build();
    EXPECT_TRUE(quiet(checks::netfilter_backend_mismatch().run(f)));
}

// "iptables-legacy could not be read (no root)."
TEST(NetfilterBackendMismatch, UndecidedWithoutTheLegacyRuleset) {
    auto r = checks::netfilter_backend_mismatch().run(FactsBuilder().unavailable(Fact::iptables_legacy).build());
    EXPECT_TRUE(undecided_only(r, {"needs host.iptables_legacy (iptables-legacy: permission denied)"}));
}

}  // namespace
}  // namespace dnd
