// Decoding recorded netlink dumps and iptables-legacy blobs (fixtures/netfilter/, see its
// README): the same expectations as the live tests, plus damaged input.
#include <gtest/gtest.h>
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

TEST(LegacyRecorded, DecodesFilterTable) {
    auto table = parse_iptables_legacy_table(recorded_legacy());
    ASSERT_TRUE(table.has_value()) << table.error().message;
    testing::expect_legacy_filter(*table);
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
