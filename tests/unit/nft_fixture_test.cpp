// Decoding recorded netlink dumps and iptables-legacy blobs (fixtures/netfilter/, see its
// README): the same expectations as the live tests, plus damaged input.
#include <gtest/gtest.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include <cstring>

#include "nft_expectations.hpp"
#include "nft_testing.hpp"

namespace dnd::nf {
namespace {

std::vector<std::uint8_t> recorded_nft() { return testing::read_bytes(testing::fixture_dir() + "/nft-docker-native.bin"); }

LegacyTableBlob recorded_legacy() {
    LegacyTableBlob blob;
    blob.family = 4;
    blob.info = testing::read_bytes(testing::fixture_dir() + "/legacy-filter.info.bin");
    blob.entries = testing::read_bytes(testing::fixture_dir() + "/legacy-filter.entries.bin");
    return blob;
}

TEST(NftRecorded, DecodesDockerIptablesNftTables) {
    auto bytes = recorded_nft();
    ASSERT_FALSE(bytes.empty());
    auto ruleset = parse_nftables_dump(bytes);
    ASSERT_TRUE(ruleset.has_value()) << ruleset.error().message;
    EXPECT_NE(ruleset->generation, 0u);
    testing::expect_docker_tables(*ruleset);
}

TEST(NftRecorded, DecodesNativeTableWithSetsAndVerdictMap) {
    auto ruleset = parse_nftables_dump(recorded_nft());
    ASSERT_TRUE(ruleset.has_value()) << ruleset.error().message;
    testing::expect_native_table(*ruleset);
}

TEST(NftRecorded, TruncatedDumpIsAnErrorNotACrash) {
    auto bytes = recorded_nft();
    ASSERT_GT(bytes.size(), 100u);
    bytes.resize(bytes.size() - 7);
    auto ruleset = parse_nftables_dump(bytes);
    ASSERT_FALSE(ruleset.has_value());
    EXPECT_EQ(ruleset.error().source, "nftables");
}

TEST(NftRecorded, EveryPrefixOfTheDumpIsHandled) {
    // Cut at every message boundary and in between: never UB (run under ASan/UBSan).
    auto bytes = recorded_nft();
    for (std::size_t len = 0; len < bytes.size(); len += 13) {
        auto r = parse_nftables_dump(std::span<const std::uint8_t>(bytes.data(), len));
        (void)r;
    }
    SUCCEED();
}

TEST(NftRecorded, RulesBeforeTheirChainAreAnError) {
    auto bytes = recorded_nft();
    // Drop every table and chain message: the rules then refer to nothing.
    std::vector<std::uint8_t> only_rules;
    std::size_t pos = 0;
    while (pos + 16 <= bytes.size()) {
        std::uint32_t len = 0;
        std::uint16_t type = 0;
        std::memcpy(&len, bytes.data() + pos, 4);
        std::memcpy(&type, bytes.data() + pos + 4, 2);
        std::size_t aligned = (len + 3u) & ~3u;
        if ((type & 0xff) == 6 /* NFT_MSG_NEWRULE */) only_rules.insert(only_rules.end(), bytes.begin() + pos, bytes.begin() + pos + aligned);
        pos += aligned;
    }
    ASSERT_FALSE(only_rules.empty());
    auto ruleset = parse_nftables_dump(only_rules);
    ASSERT_FALSE(ruleset.has_value());
    EXPECT_NE(ruleset.error().message.find("rule for unknown chain inet dndtest web"), std::string::npos) << ruleset.error().message;
}

// Offsets of the messages of a dump.
std::vector<std::size_t> message_offsets(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::size_t> offsets;
    for (std::size_t pos = 0; pos + 16 <= bytes.size();) {
        std::uint32_t len = 0;
        std::memcpy(&len, bytes.data() + pos, 4);
        offsets.push_back(pos);
        pos += (len + 3u) & ~3u;
    }
    return offsets;
}

std::uint16_t message_type(const std::vector<std::uint8_t>& bytes, std::size_t at) {
    std::uint16_t type = 0;
    std::memcpy(&type, bytes.data() + at + 4, 2);
    return type & 0xff;
}

// The first attribute of type `type` in [begin, end) (attributes of 4-byte aligned length),
// or end.
std::size_t find_attribute(const std::vector<std::uint8_t>& bytes, std::size_t begin, std::size_t end, std::uint16_t type) {
    while (begin + 4 <= end) {
        std::uint16_t len = 0, t = 0;
        std::memcpy(&len, bytes.data() + begin, 2);
        std::memcpy(&t, bytes.data() + begin + 2, 2);
        if ((t & 0x3fff) == type) return begin;
        if (len < 4) break;
        begin += (len + 3u) & ~3u;
    }
    return end;
}

// libmnl's mnl_nlmsg_ok passes a length over 2 GiB (an int comparison) and the walk then
// jumped 4 GiB ahead: found by the nft_dump fuzz campaign.
TEST(NftRecorded, AMessageLengthOverTwoGibIsATruncatedDump) {
    auto bytes = recorded_nft();
    const auto offsets = message_offsets(bytes);
    ASSERT_GT(offsets.size(), 2u);
    const std::uint32_t huge = 0xfffffff0u;
    std::memcpy(bytes.data() + offsets[1], &huge, 4);
    auto ruleset = parse_nftables_dump(bytes);
    ASSERT_FALSE(ruleset.has_value());
    EXPECT_EQ(ruleset.error().message, "truncated netlink message in the nftables dump");
}

// libnftnl reads an expression's name without checking that there is one: found by the
// nft_dump fuzz campaign (a null pointer in nftnl_expr_alloc).
TEST(NftRecorded, ARuleExpressionWithoutANameIsAnError) {
    auto bytes = recorded_nft();
    std::size_t rule = bytes.size();
    for (std::size_t at : message_offsets(bytes))
        if (message_type(bytes, at) == NFT_MSG_NEWRULE) { rule = at; break; }
    ASSERT_LT(rule, bytes.size());
    std::uint32_t rule_len = 0;
    std::memcpy(&rule_len, bytes.data() + rule, 4);
    const std::size_t rule_end = rule + rule_len;
    const std::size_t exprs = find_attribute(bytes, rule + 16 + 4, rule_end, NFTA_RULE_EXPRESSIONS);
    ASSERT_LT(exprs, rule_end);
    const std::size_t element = exprs + 4;  // the first NFTA_LIST_ELEM
    std::uint16_t element_len = 0;
    std::memcpy(&element_len, bytes.data() + element, 2);
    const std::size_t name = find_attribute(bytes, element + 4, element + element_len, NFTA_EXPR_NAME);
    ASSERT_LT(name, element + element_len);
    const std::uint16_t unknown_type = 7;
    std::memcpy(bytes.data() + name + 2, &unknown_type, 2);

    auto ruleset = parse_nftables_dump(bytes);
    ASSERT_FALSE(ruleset.has_value());
    EXPECT_EQ(ruleset.error().message, "an expression without a name in the nftables dump");
}

// libnftnl copies a string attribute up to a NUL it does not check for: a name without its
// NUL at the very end of the dump must still be read within bounds (the sanitized build
// tells; found by the nft_dump fuzz campaign as a crash in strdup).
TEST(NftRecorded, ANameWithoutItsNulAtTheEndOfTheDumpIsReadInBounds) {
    std::vector<std::uint8_t> bytes(16 + 4 + 4 + 4, 0);
    const std::uint32_t message_len = 16 + 4 + 4 + 3;  // the last byte is alignment
    const std::uint16_t type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE;
    std::memcpy(bytes.data(), &message_len, 4);
    std::memcpy(bytes.data() + 4, &type, 2);
    bytes[16] = NFPROTO_INET;
    const std::uint16_t attr_len = 4 + 3, attr_type = NFTA_TABLE_NAME;
    std::memcpy(bytes.data() + 20, &attr_len, 2);
    std::memcpy(bytes.data() + 22, &attr_type, 2);
    std::memcpy(bytes.data() + 24, "abcx", 4);  // no NUL: "x" is alignment, then the buffer ends
    auto ruleset = parse_nftables_dump(bytes);
    ASSERT_TRUE(ruleset.has_value()) << ruleset.error().message;
    ASSERT_EQ(ruleset->tables.size(), 1u);
    EXPECT_EQ(ruleset->tables[0].name, "abc");

    bytes.resize(16 + 2);  // shorter than its own headers
    const std::uint32_t short_len = 18;
    std::memcpy(bytes.data(), &short_len, 4);
    EXPECT_EQ(parse_nftables_dump(bytes).error().message, "a message shorter than its headers in the nftables dump");
}

TEST(LegacyRecorded, DecodesFilterTable) {
    auto table = parse_iptables_legacy_table(recorded_legacy());
    ASSERT_TRUE(table.has_value()) << table.error().message;
    testing::expect_legacy_filter(*table);
}

// watch compares the tables' rules each second: traffic (counters) is no change, a verdict is.
TEST(LegacyRecorded, RulesWithoutCountersChangeWithTheRulesNotWithTraffic) {
    const auto blob = recorded_legacy();
    const auto rules = legacy_rules_without_counters(blob);
    ipt_entry first{};
    std::memcpy(&first, blob.entries.data(), sizeof first);

    auto trafficked = blob;
    const std::uint64_t packets = 123456;
    std::memcpy(trafficked.entries.data() + offsetof(ipt_entry, counters), &packets, sizeof packets);
    ASSERT_NE(trafficked.entries, blob.entries);
    EXPECT_EQ(legacy_rules_without_counters(trafficked), rules);

    auto other_verdict = blob;  // the first rule's standard target: ACCEPT becomes DROP or back
    const std::size_t verdict_at = first.target_offset + sizeof(xt_entry_target);
    int verdict = 0;
    std::memcpy(&verdict, other_verdict.entries.data() + verdict_at, sizeof verdict);
    verdict = verdict == -NF_DROP - 1 ? -NF_ACCEPT - 1 : -NF_DROP - 1;
    std::memcpy(other_verdict.entries.data() + verdict_at, &verdict, sizeof verdict);
    EXPECT_NE(legacy_rules_without_counters(other_verdict), rules);
}

TEST(LegacyRecorded, DamagedBlobsAreErrors) {
    auto blob = recorded_legacy();
    auto truncated = blob;
    truncated.entries.resize(truncated.entries.size() / 2 + 3);
    EXPECT_FALSE(parse_iptables_legacy_table(truncated).has_value());

    auto no_info = blob;
    no_info.info.resize(10);
    auto r = parse_iptables_legacy_table(no_info);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().source, "iptables-legacy");

    // A next_offset of 0 would loop forever if not rejected.
    auto looping = blob;
    const std::size_t next_offset_at = sizeof(ipt_ip) + sizeof(unsigned int) + sizeof(std::uint16_t);
    looping.entries[next_offset_at] = 0;
    looping.entries[next_offset_at + 1] = 0;
    EXPECT_FALSE(parse_iptables_legacy_table(looping).has_value());

    for (std::size_t len = 0; len < blob.entries.size(); len += 17) {
        auto cut = blob;
        cut.entries.resize(len);
        (void)parse_iptables_legacy_table(cut);
    }
}

}  // namespace
}  // namespace dnd::nf
