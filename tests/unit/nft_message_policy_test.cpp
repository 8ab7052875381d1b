// nftables messages libnftnl would exit on, or read past its tables for, are errors of the
// dump parser instead (the nft_dump fuzz campaign found them): built here with libmnl the
// way the kernel builds its messages, each beside the well-formed message it breaks.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "docknetdoctor/collect/netfilter_collect.hpp"

namespace dnd::nf {
namespace {

class Dump {
public:
    using Fill = std::function<void(nlmsghdr*)>;

    Dump& message(std::uint16_t type, const Fill& fill) {
        alignas(4) std::array<char, 8192> buffer{};
        nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
        nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
        auto* header = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
        header->nfgen_family = NFPROTO_INET;
        fill(nlh);
        bytes_.insert(bytes_.end(), buffer.data(), buffer.data() + NLMSG_ALIGN(nlh->nlmsg_len));
        return *this;
    }

    // Table "t" with chain "c".
    Dump& table_and_chain() {
        message(NFT_MSG_NEWTABLE, [](nlmsghdr* m) { mnl_attr_put_strz(m, NFTA_TABLE_NAME, "t"); });
        return message(NFT_MSG_NEWCHAIN, [](nlmsghdr* m) {
            mnl_attr_put_strz(m, NFTA_CHAIN_TABLE, "t");
            mnl_attr_put_strz(m, NFTA_CHAIN_NAME, "c");
        });
    }

    // A rule in t/c with one expression: `data` fills its NFTA_EXPR_DATA.
    Dump& rule(const char* expression, const Fill& data) {
        return message(NFT_MSG_NEWRULE, [&](nlmsghdr* m) {
            mnl_attr_put_strz(m, NFTA_RULE_TABLE, "t");
            mnl_attr_put_strz(m, NFTA_RULE_CHAIN, "c");
            nlattr* list = mnl_attr_nest_start(m, NFTA_RULE_EXPRESSIONS);
            put_expression(m, NFTA_LIST_ELEM, expression, data);
            mnl_attr_nest_end(m, list);
        });
    }

    // Set "s" in table t; `fill` adds to it.
    Dump& set(const Fill& fill) {
        return message(NFT_MSG_NEWSET, [&](nlmsghdr* m) {
            mnl_attr_put_strz(m, NFTA_SET_TABLE, "t");
            mnl_attr_put_strz(m, NFTA_SET_NAME, "s");
            mnl_attr_put_u32(m, NFTA_SET_KEY_LEN, htonl(4));
            fill(m);
        });
    }

    // One element of set s: key 10.0.0.1, then what `fill` adds.
    Dump& element(const Fill& fill) {
        return message(NFT_MSG_NEWSETELEM, [&](nlmsghdr* m) {
            mnl_attr_put_strz(m, NFTA_SET_ELEM_LIST_TABLE, "t");
            mnl_attr_put_strz(m, NFTA_SET_ELEM_LIST_SET, "s");
            nlattr* elements = mnl_attr_nest_start(m, NFTA_SET_ELEM_LIST_ELEMENTS);
            nlattr* element = mnl_attr_nest_start(m, NFTA_LIST_ELEM);
            nlattr* key = mnl_attr_nest_start(m, NFTA_SET_ELEM_KEY);
            mnl_attr_put_u32(m, NFTA_DATA_VALUE, htonl(0x0a000001));
            mnl_attr_nest_end(m, key);
            fill(m);
            mnl_attr_nest_end(m, element);
            mnl_attr_nest_end(m, elements);
        });
    }

    static void put_expression(nlmsghdr* m, std::uint16_t type, const char* name, const Fill& data) {
        nlattr* expression = mnl_attr_nest_start(m, type);
        mnl_attr_put_strz(m, NFTA_EXPR_NAME, name);
        nlattr* nest = mnl_attr_nest_start(m, NFTA_EXPR_DATA);
        data(m);
        mnl_attr_nest_end(m, nest);
        mnl_attr_nest_end(m, expression);
    }

    // A verdict in data register attribute `type`: `chain` null for none.
    static void put_verdict(nlmsghdr* m, std::uint16_t type, int code, const char* chain) {
        nlattr* data = mnl_attr_nest_start(m, type);
        nlattr* verdict = mnl_attr_nest_start(m, NFTA_DATA_VERDICT);
        mnl_attr_put_u32(m, NFTA_VERDICT_CODE, htonl(static_cast<std::uint32_t>(code)));
        if (chain != nullptr) mnl_attr_put_strz(m, NFTA_VERDICT_CHAIN, chain);
        mnl_attr_nest_end(m, verdict);
        mnl_attr_nest_end(m, data);
    }

    Result<Ruleset> parse() const { return parse_nftables_dump(bytes_); }

private:
    std::vector<std::uint8_t> bytes_;
};

std::string error_of(const Result<Ruleset>& parsed) {
    if (parsed) return "(parsed)";
    return parsed.error().message;
}

void jump(nlmsghdr* m, const char* chain) {
    mnl_attr_put_u32(m, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_VERDICT));
    Dump::put_verdict(m, NFTA_IMMEDIATE_DATA, NFT_JUMP, chain);
}

TEST(NftMessagePolicy, AJumpIsReadWithItsChainAndIsAnErrorWithoutIt) {
    auto with_chain = Dump().table_and_chain().rule("immediate", [](nlmsghdr* m) { jump(m, "c"); }).parse();
    ASSERT_TRUE(with_chain) << with_chain.error().message;
    ASSERT_EQ(with_chain->tables.at(0).chains.at(0).rules.size(), 1u);
    const auto& expression = with_chain->tables[0].chains[0].rules[0].exprs.at(0);
    ASSERT_TRUE(std::holds_alternative<Immediate>(expression));
    EXPECT_EQ(std::get<Immediate>(expression).verdict->chain, "c");

    // libnftnl reads the chain from a table it never cleared: a crash in strdup before.
    auto without = Dump().table_and_chain().rule("immediate", [](nlmsghdr* m) { jump(m, nullptr); }).parse();
    EXPECT_EQ(error_of(without), "malformed verdict in the nftables dump: a jump without its chain");
}

TEST(NftMessagePolicy, AVerdictWithoutACodeIsAnError) {
    auto parsed = Dump().table_and_chain().rule("immediate", [](nlmsghdr* m) {
        nlattr* data = mnl_attr_nest_start(m, NFTA_IMMEDIATE_DATA);
        nlattr* verdict = mnl_attr_nest_start(m, NFTA_DATA_VERDICT);
        mnl_attr_put_strz(m, NFTA_VERDICT_CHAIN, "c");
        mnl_attr_nest_end(m, verdict);
        mnl_attr_nest_end(m, data);
    }).parse();
    EXPECT_EQ(error_of(parsed), "malformed verdict in the nftables dump: no verdict code");
}

// libnftnl ends the process ("nf_tables kernel ABI is broken") on these: this test would
// stop with it.
TEST(NftMessagePolicy, AnAttributeOfTheWrongSizeIsAnErrorNotTheEndOfTheProcess) {
    auto chain = Dump()
                     .message(NFT_MSG_NEWTABLE, [](nlmsghdr* m) { mnl_attr_put_strz(m, NFTA_TABLE_NAME, "t"); })
                     .message(NFT_MSG_NEWCHAIN, [](nlmsghdr* m) {
                         mnl_attr_put_strz(m, NFTA_CHAIN_TABLE, "t");
                         mnl_attr_put_strz(m, NFTA_CHAIN_NAME, "c");
                         mnl_attr_put_u16(m, NFTA_CHAIN_POLICY, 1);
                     })
                     .parse();
    EXPECT_EQ(error_of(chain), "malformed chain in the nftables dump: attribute 5 has the wrong size or type");

    auto well_sized = Dump().table_and_chain().rule("cmp", [](nlmsghdr* m) {
        mnl_attr_put_u32(m, NFTA_CMP_SREG, htonl(NFT_REG_1));
        mnl_attr_put_u32(m, NFTA_CMP_OP, htonl(NFT_CMP_EQ));
        nlattr* data = mnl_attr_nest_start(m, NFTA_CMP_DATA);
        mnl_attr_put_u16(m, NFTA_DATA_VALUE, htons(80));
        mnl_attr_nest_end(m, data);
    }).parse();
    ASSERT_TRUE(well_sized) << well_sized.error().message;

    auto short_register = Dump().table_and_chain().rule("cmp", [](nlmsghdr* m) {
        mnl_attr_put_u8(m, NFTA_CMP_SREG, NFT_REG_1);
    }).parse();
    EXPECT_EQ(error_of(short_register), "malformed cmp in the nftables dump: attribute 1 has the wrong size or type");

    auto empty_name = Dump().table_and_chain().rule("target", [](nlmsghdr* m) {
        mnl_attr_put(m, NFTA_TARGET_NAME, 3, "ACC");  // no NUL
    }).parse();
    EXPECT_EQ(error_of(empty_name), "malformed target in the nftables dump: attribute 1 has the wrong size or type");
}

TEST(NftMessagePolicy, AnExpressionWithoutANameOrWithOneUnknownIsAnError) {
    auto unknown = Dump().table_and_chain().rule("frobnicate", [](nlmsghdr*) {}).parse();
    EXPECT_EQ(error_of(unknown), "an expression this reader does not know in the nftables dump: \"frobnicate\"");

    auto nameless = Dump().table_and_chain().message(NFT_MSG_NEWRULE, [](nlmsghdr* m) {
        mnl_attr_put_strz(m, NFTA_RULE_TABLE, "t");
        mnl_attr_put_strz(m, NFTA_RULE_CHAIN, "c");
        nlattr* list = mnl_attr_nest_start(m, NFTA_RULE_EXPRESSIONS);
        nlattr* expression = mnl_attr_nest_start(m, NFTA_LIST_ELEM);
        mnl_attr_nest_end(m, mnl_attr_nest_start(m, NFTA_EXPR_DATA));
        mnl_attr_nest_end(m, expression);
        mnl_attr_nest_end(m, list);
    }).parse();
    EXPECT_EQ(error_of(nameless), "an expression without a name in the nftables dump");
}

// libnftnl keeps a set element's attributes in a table of NFTA_SET_ELEM_MAX + 1 slots but
// lets types up to NFTA_SET_MAX in: they were written past its end.
TEST(NftMessagePolicy, ASetElementAttributeBeyondLibnftnlsTableIsAnError) {
    auto well_formed = Dump().table_and_chain().set([](nlmsghdr*) {}).element([](nlmsghdr* m) {
        mnl_attr_put_u32(m, NFTA_SET_ELEM_FLAGS, 0);
    }).parse();
    ASSERT_TRUE(well_formed) << well_formed.error().message;
    ASSERT_EQ(well_formed->tables.at(0).sets.at(0).elements.size(), 1u);

    auto beyond = Dump().table_and_chain().set([](nlmsghdr*) {}).element([](nlmsghdr* m) {
        mnl_attr_put_u32(m, NFTA_SET_ELEM_EXPRESSIONS + 2, 0);
    }).parse();
    EXPECT_EQ(error_of(beyond), "malformed set element in the nftables dump: attribute 13 is not one of its 11");
}

// libnftnl counts a set's concatenated fields into NFT_REG32_COUNT slots without a bound.
TEST(NftMessagePolicy, MoreConcatenatedFieldsThanRegistersIsAnError) {
    auto concatenation = [](int fields) {
        return Dump().table_and_chain().set([fields](nlmsghdr* m) {
            nlattr* desc = mnl_attr_nest_start(m, NFTA_SET_DESC);
            nlattr* concat = mnl_attr_nest_start(m, NFTA_SET_DESC_CONCAT);
            for (int i = 0; i < fields; ++i) {
                nlattr* field = mnl_attr_nest_start(m, NFTA_LIST_ELEM);
                mnl_attr_put_u32(m, NFTA_SET_FIELD_LEN, htonl(4));
                mnl_attr_nest_end(m, field);
            }
            mnl_attr_nest_end(m, concat);
            mnl_attr_nest_end(m, desc);
        }).parse();
    };
    auto sixteen = concatenation(NFT_REG32_COUNT);
    ASSERT_TRUE(sixteen) << sixteen.error().message;
    EXPECT_EQ(error_of(concatenation(NFT_REG32_COUNT + 1)),
              "malformed set description in the nftables dump: more than 16 concatenated fields");
}

TEST(NftMessagePolicy, ExpressionsNestedDeeperThanTheKernelNestsAreAnError) {
    auto nested = [](int depth) {
        std::function<void(nlmsghdr*, int)> dynset = [&](nlmsghdr* m, int left) {
            mnl_attr_put_strz(m, NFTA_DYNSET_SET_NAME, "s");
            if (left > 0)
                Dump::put_expression(m, NFTA_DYNSET_EXPR, "dynset", [&](nlmsghdr* inner) { dynset(inner, left - 1); });
        };
        return Dump().table_and_chain().rule("dynset", [&](nlmsghdr* m) { dynset(m, depth); }).parse();
    };
    auto one = nested(1);
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(error_of(nested(20)), "malformed expression in the nftables dump: nested deeper than the kernel nests");
}

}  // namespace
}  // namespace dnd::nf
