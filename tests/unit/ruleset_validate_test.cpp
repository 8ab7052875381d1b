// The validation pass over a ruleset read from a facts file: what the kernel could never
// hold is rejected with the JSON path of the member, before the evaluator reads it.
#include <gtest/gtest.h>

#include "docknetdoctor/model/ruleset_validate.hpp"

namespace dnd::nf {
namespace {

// Expressions as a collector fills them, field by field.
Payload payload(std::uint32_t offset, std::uint32_t len, Register dreg) {
    Payload p;
    p.base = PayloadBase::transport;
    p.offset = offset;
    p.len = len;
    p.dreg = dreg;
    return p;
}
Lookup lookup(std::string set, Register sreg) {
    Lookup l;
    l.set = std::move(set);
    l.sreg = sreg;
    return l;
}
Cmp cmp(Register sreg, Bytes data) {
    Cmp c;
    c.sreg = sreg;
    c.data = std::move(data);
    return c;
}
Immediate verdict(Verdict::Kind kind, std::string chain) {
    Immediate i;
    i.verdict = Verdict{kind, std::move(chain)};
    return i;
}
SetElement element(Bytes key) {
    SetElement e;
    e.key = std::move(key);
    return e;
}

Ruleset one_rule(std::vector<Expr> exprs, std::vector<Set> sets = {}) {
    Rule rule;
    rule.exprs = std::move(exprs);
    Chain input;
    input.name = "INPUT";
    input.rules.push_back(std::move(rule));
    Chain user;
    user.name = "DOCKER-USER";
    Table t;
    t.name = "filter";
    t.chains = {std::move(input), std::move(user)};
    t.sets = std::move(sets);
    Ruleset r;
    r.tables.push_back(std::move(t));
    return r;
}

std::string problem(const Ruleset& r) {
    auto valid = validate_ruleset(r, "host.nftables");
    return valid ? "" : valid.error().message;
}

constexpr const char* kExpr = "host.nftables.tables[0].chains[0].rules[0].exprs[";

TEST(RulesetValidate, WhatTheKernelHoldsPasses) {
    Set ports;
    ports.name = "__set0";
    ports.key_len = 2;
    ports.elements.push_back(element(Bytes{0x1f, 0x90}));
    EXPECT_EQ(problem(one_rule({payload(2, 2, 1), lookup("__set0", 1), cmp(8, Bytes{10, 0, 0, 1}),
                                verdict(Verdict::Kind::jump, "DOCKER-USER")},
                               {ports})),
              "");
}

TEST(RulesetValidate, RegisterThatDoesNotExist) {
    Meta mark;
    mark.key = MetaKey::mark;
    mark.dreg = 99;
    EXPECT_EQ(problem(one_rule({mark})),
              std::string(kExpr) + "0]: destination register 99 does not exist");
}

TEST(RulesetValidate, DataThatOverrunsTheRegisters) {
    // NFT_REG32_15 is the last 4 bytes: 8 bytes from there run past the register file.
    EXPECT_EQ(problem(one_rule({cmp(23, Bytes(8, 0))})),
              std::string(kExpr) + "0]: 8 bytes from source register 23 overrun the registers");
}

TEST(RulesetValidate, PayloadOffsetAndLengthFromAHostileFile) {
    EXPECT_EQ(problem(one_rule({payload(0xffffffff, 4, 1)})),
              std::string(kExpr) + "0]: payload offset 4294967295 is past any header");
}

TEST(RulesetValidate, JumpToAChainThatIsNotThere) {
    EXPECT_EQ(problem(one_rule({verdict(Verdict::Kind::goto_, "NOWHERE")})),
              std::string(kExpr) + "0]: goto to chain 'NOWHERE', which is not in table filter");
}

TEST(RulesetValidate, LookupInASetThatIsNotThere) {
    EXPECT_EQ(problem(one_rule({lookup("blocklist", 1)})),
              std::string(kExpr) + "0]: lookup in set 'blocklist', which is not in table filter");
}

TEST(RulesetValidate, SetElementOfTheWrongKeyLength) {
    Set s;
    s.name = "blocklist";
    s.key_len = 4;
    s.elements.push_back(element(Bytes(300, 0)));
    EXPECT_EQ(problem(one_rule({}, {s})),
              "host.nftables.tables[0].sets[0].elements[0]: key of 300 bytes in a set whose keys have 4");
}

TEST(RulesetValidate, VerdictRegisterWithoutAVerdict) {
    Immediate data_into_verdict;
    data_into_verdict.data = Bytes{1};
    EXPECT_EQ(problem(one_rule({data_into_verdict})),
              std::string(kExpr) + "0]: immediate into the verdict register without a verdict");
}

TEST(RulesetValidate, BitwiseMaskShorterThanItsLength) {
    Bitwise short_mask;
    short_mask.sreg = 1;
    short_mask.dreg = 1;
    short_mask.len = 4;
    short_mask.mask = Bytes{0xff};
    short_mask.xor_ = Bytes(4, 0);
    EXPECT_EQ(problem(one_rule({short_mask})),
              std::string(kExpr) + "0]: bitwise mask and xor must have its length 4");
}

}  // namespace
}  // namespace dnd::nf
