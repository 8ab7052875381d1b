// nft-syntax rendering of hand-built rules: exact where the meaning is known, "<name>"
// where it is not (never a guess).
#include <gtest/gtest.h>

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {
namespace {

Table ip_table() {
    Table t;
    t.family = Family::ip;
    t.name = "filter";
    return t;
}

std::string render(std::vector<Expr> exprs, const Table& t = ip_table()) {
    Rule r;
    r.exprs = std::move(exprs);
    return format_rule_body(t, r);
}

Immediate verdict(Verdict::Kind k, std::string chain = {}) { return Immediate{kRegVerdict, {}, Verdict{k, std::move(chain)}}; }

TEST(RulesetFormat, PrefixMaskedAddressAndPorts) {
    EXPECT_EQ(render({Payload{PayloadBase::network, 12, 4, 1, {}},
                      Bitwise{BitwiseOp::mask_xor, 1, 1, 4, Bytes{255, 0, 0, 0}, Bytes{0, 0, 0, 0}, 0},
                      Cmp{CmpOp::eq, 1, Bytes{10, 0, 0, 0}},
                      Meta{MetaKey::l4proto, 1, {}}, Cmp{CmpOp::eq, 1, Bytes{6}},
                      Payload{PayloadBase::transport, 2, 2, 1, {}}, Cmp{CmpOp::eq, 1, Bytes{0x1f, 0x90}},
                      Counter{}, verdict(Verdict::Kind::drop)}),
              "ip saddr 10.0.0.0/8 tcp dport 8080 counter drop");
}

TEST(RulesetFormat, NonPrefixMaskIsShownAsAMask) {
    EXPECT_EQ(render({Payload{PayloadBase::network, 16, 4, 1, {}},
                      Bitwise{BitwiseOp::mask_xor, 1, 1, 4, Bytes{255, 0, 255, 0}, Bytes{0, 0, 0, 0}, 0},
                      Cmp{CmpOp::eq, 1, Bytes{10, 0, 1, 0}}, verdict(Verdict::Kind::accept)}),
              "ip daddr & 0xff00ff00 == 0x0a000100 accept");
}

TEST(RulesetFormat, UnknownPartsAreMarkedNotGuessed) {
    // a cmp on a register nothing loaded, an expression the model does not know
    EXPECT_EQ(render({Cmp{CmpOp::eq, 3, Bytes{1}}, Unknown{"tproxy"}, verdict(Verdict::Kind::jump, "X")}),
              "<cmp> <tproxy> jump X");
    // an undecoded xt extension
    EXPECT_EQ(render({Xt{false, "recent", 1, {}, Bytes{1, 2}}, verdict(Verdict::Kind::drop)}),
              "xt match \"recent\" drop");
    // transport ports without a known protocol
    EXPECT_EQ(render({Payload{PayloadBase::transport, 2, 2, 1, {}}, Cmp{CmpOp::neq, 1, Bytes{0, 53}}}),
              "th dport != 53");
    // an unknown network header in an inet table stays raw
    Table inet = ip_table();
    inet.family = Family::inet;
    EXPECT_EQ(render({Payload{PayloadBase::network, 12, 4, 1, {}}, Cmp{CmpOp::eq, 1, Bytes{1, 2, 3, 4}}}, inet),
              "@nh,96,32 0x01020304");
}

TEST(RulesetFormat, CtStateFibAndNat) {
    EXPECT_EQ(render({Ct{CtKey::state, 1, {}, {}},
                      Bitwise{BitwiseOp::mask_xor, 1, 1, 4, Bytes{0x06, 0, 0, 0}, Bytes{0, 0, 0, 0}, 0},
                      Cmp{CmpOp::neq, 1, Bytes{0, 0, 0, 0}}, verdict(Verdict::Kind::accept)}),
              "ct state established,related accept");
    EXPECT_EQ(render({Fib{kFibDaddr, FibResult::addrtype, 1}, Cmp{CmpOp::eq, 1, Bytes{2, 0, 0, 0}},
                      Immediate{1, Bytes{172, 17, 0, 2}, {}}, Immediate{2, Bytes{0, 80}, {}},
                      Nat{NatType::dnat, 2, 1, {}, 2, {}, 0}}),
              "fib daddr type local dnat to 172.17.0.2:80");
}

TEST(RulesetFormat, AnonymousIntervalSetInline) {
    Table t = ip_table();
    Set s;
    s.name = "__set0";
    s.flags = kSetAnonymous | kSetConstant | kSetInterval;
    s.key_len = 2;
    s.elements_loaded = true;
    // rbtree intervals: [1000, 2001) and the single port 22 as [22, 23)
    s.elements = {SetElement{Bytes{0x07, 0xd1}, {}, true, {}, {}}, SetElement{Bytes{0x03, 0xe8}, {}, false, {}, {}},
                  SetElement{Bytes{0, 23}, {}, true, {}, {}}, SetElement{Bytes{0, 22}, {}, false, {}, {}}};
    t.sets.push_back(s);
    EXPECT_EQ(render({Meta{MetaKey::l4proto, 1, {}}, Cmp{CmpOp::eq, 1, Bytes{17}},
                      Payload{PayloadBase::transport, 2, 2, 1, {}}, Lookup{"__set0", 0, 1, {}, false},
                      verdict(Verdict::Kind::accept)},
                     t),
              "udp dport { 22, 1000-2000 } accept");
}

TEST(RulesetFormat, PolicyLine) {
    Table t = ip_table();
    Chain c;
    c.name = "FORWARD";
    c.base = BaseChain{ChainType::filter, Hook::forward, 0, Verdict::Kind::drop, {}};
    EXPECT_EQ(format_chain_policy(t, c), "ip filter FORWARD policy drop");
}

TEST(XtDecode, ShortOrUnknownInfoStaysOpaque) {
    Bytes tiny{1, 2, 3};
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_xt(false, "conntrack", 3, tiny, 4)));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_xt(true, "DNAT", 2, tiny, 4)));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_xt(false, "conntrack", 9, Bytes(400, 0), 4)));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(decode_xt(false, "nosuchmatch", 0, Bytes(64, 0), 4)));
    Bytes comment(256, 0);
    comment[0] = 'h';
    comment[1] = 'i';
    auto decoded = decode_xt(false, "comment", 0, comment, 4);
    ASSERT_TRUE(std::holds_alternative<XtComment>(decoded));
    EXPECT_EQ(std::get<XtComment>(decoded).text, "hi");
    // a comment without its NUL stays bounded by the struct
    EXPECT_EQ(std::get<XtComment>(decode_xt(false, "comment", 0, Bytes(256, 'a'), 4)).text.size(), 256u);
}

}  // namespace
}  // namespace dnd::nf
