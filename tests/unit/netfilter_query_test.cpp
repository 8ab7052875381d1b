// dnat_rules_for() and friends on hand-built rules: the shapes the fixtures do not cover
// (protocol mismatch, port ranges, inverted matches, sets whose elements were not dumped).
#include <gtest/gtest.h>

#include "docknetdoctor/path/netfilter_query.hpp"
#include "nf_rule_parts.hpp"

namespace dnd {
namespace {

using namespace nf;
using testing::nf_parts::kReg1;
using testing::nf_parts::port_bytes;
using testing::nf_parts::tcp_dport_load;

Ruleset one_rule(std::vector<Expr> exprs, std::vector<Set> sets = {}) {
    exprs.push_back(Nat{NatType::dnat, 2, 1, {}, 2, {}, 0});
    Rule rule;
    rule.handle = 7;
    rule.exprs = std::move(exprs);
    Chain chain;
    chain.name = "DOCKER";
    chain.rules.push_back(rule);
    Table table;
    table.family = Family::ip;
    table.name = "nat";
    table.chains.push_back(chain);
    table.sets = std::move(sets);
    Ruleset rs;
    rs.tables.push_back(table);
    return rs;
}

TEST(DnatRulesFor, FindsTheRuleForItsPortAndProtocolOnly) {
    auto exprs = tcp_dport_load();
    exprs.push_back(Cmp{CmpOp::eq, kReg1, port_bytes(8080)});
    const Ruleset rs = one_rule(exprs);
    auto found = dnat_rules_for(rs, Proto::tcp, 8080);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_TRUE(found[0].port_known);
    EXPECT_EQ(found[0].rule.rfind("ip nat DOCKER handle 7: ", 0), 0u) << found[0].rule;
    EXPECT_TRUE(dnat_rules_for(rs, Proto::tcp, 8081).empty());
    EXPECT_TRUE(dnat_rules_for(rs, Proto::udp, 8080).empty());
}

TEST(DnatRulesFor, ReadsRangesAndInvertedXtPortMatches) {
    auto exprs = tcp_dport_load();
    exprs.push_back(Range{false, kReg1, port_bytes(9000), port_bytes(9100)});
    const Ruleset range = one_rule(exprs);
    EXPECT_EQ(dnat_rules_for(range, Proto::tcp, 9050).size(), 1u);
    EXPECT_TRUE(dnat_rules_for(range, Proto::tcp, 9101).empty());

    XtPorts not_22;
    not_22.dport_min = not_22.dport_max = 22;
    not_22.invflags = 2;  // ! --dport 22
    const Ruleset xt = one_rule({Xt{false, "tcp", 0, not_22, {}}});
    EXPECT_EQ(dnat_rules_for(xt, Proto::tcp, 8080).size(), 1u);
    EXPECT_TRUE(dnat_rules_for(xt, Proto::tcp, 22).empty());
    EXPECT_TRUE(dnat_rules_for(xt, Proto::udp, 8080).empty()) << "a tcp match never admits udp";
}

TEST(DnatRulesFor, ASetWithoutElementsLeavesThePortUnknown) {
    Set ports;
    ports.name = "published";
    ports.key_len = 2;
    ports.elements_loaded = false;
    auto exprs = tcp_dport_load();
    exprs.push_back(Lookup{"published", 0, kReg1, {}, false});
    const Ruleset unloaded = one_rule(exprs, {ports});
    auto found = dnat_rules_for(unloaded, Proto::tcp, 8080);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_FALSE(found[0].port_known);

    ports.elements_loaded = true;
    ports.elements.push_back(SetElement{port_bytes(8080), {}, false, {}, {}});
    const Ruleset loaded = one_rule(exprs, {ports});
    ASSERT_EQ(dnat_rules_for(loaded, Proto::tcp, 8080).size(), 1u);
    EXPECT_TRUE(dnat_rules_for(loaded, Proto::tcp, 8080)[0].port_known);
    EXPECT_TRUE(dnat_rules_for(loaded, Proto::tcp, 8081).empty());
}

TEST(HoldsRules, AnEmptyAcceptTableDecidesNothing) {
    Ruleset rs;
    Table t;
    t.name = "filter";
    t.source = RulesetSource::iptables_legacy;
    Chain forward;
    forward.name = "FORWARD";
    forward.base = BaseChain{ChainType::filter, Hook::forward, 0, Verdict::Kind::accept, ""};
    t.chains.push_back(forward);
    rs.tables.push_back(t);
    EXPECT_FALSE(holds_rules(rs));
    rs.tables[0].chains[0].base->policy = Verdict::Kind::drop;
    EXPECT_TRUE(holds_rules(rs));
}

}  // namespace
}  // namespace dnd
