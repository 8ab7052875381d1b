// Live reads of a scratch network namespace (root only): Docker-like iptables-nft rules,
// a native nft table with sets and a verdict map, iptables-legacy rules. With
// DND_UPDATE_FIXTURES=1 the raw bytes are also written to fixtures/netfilter/.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nft_expectations.hpp"
#include "nft_testing.hpp"

namespace dnd::nf {
namespace {

using testing::ScratchNetns;

class NftLive : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (::geteuid() != 0) return;
        netns_ = new ScratchNetns("nft-test");
        if (!netns_->ok()) return;
        const std::string in = testing::fixture_dir() + "/inputs/";
        loaded_ = netns_->exec("nft -f " + in + "native.nft") &&
                  netns_->exec("iptables-nft-restore " + in + "docker-iptables-nft.rules");
        legacy_loaded_ = netns_->exec("iptables-legacy-restore " + in + "legacy-iptables.rules");
    }
    static void TearDownTestSuite() {
        delete netns_;
        netns_ = nullptr;
    }
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";
        if (netns_ == nullptr || !netns_->ok()) GTEST_SKIP() << "cannot create a network namespace";
        ASSERT_TRUE(loaded_) << "loading the test rules into " << netns_->name() << " failed";
    }
    static inline ScratchNetns* netns_ = nullptr;
    static inline bool loaded_ = false;
    static inline bool legacy_loaded_ = false;
};

TEST_F(NftLive, ReadsDockerAndNativeTables) {
    auto dump = netns_->inside([] { return std::optional<Result<NftRawDump>>(dump_nftables()); });
    ASSERT_TRUE(dump.has_value());
    ASSERT_TRUE(dump->has_value()) << (*dump).error().message;
    if (testing::update_fixtures())
        testing::update_golden_file(testing::fixture_dir() + "/nft-docker-native.bin", (*dump)->messages);
    auto ruleset = parse_nftables_dump((*dump)->messages);
    ASSERT_TRUE(ruleset.has_value()) << ruleset.error().message;
    testing::expect_docker_tables(*ruleset);
    testing::expect_native_table(*ruleset);
}

// read_nftables parses the messages as the kernel sends them, keeping none: what it gives
// must be what the recorded bytes of a dump give, and the verdict map, whose elements are
// held back until their dump ends, is loaded when named sets are not.
TEST_F(NftLive, ParsingTheDumpAsItArrivesGivesWhatItsRecordedBytesGive) {
    NftReadOptions without_named_sets;
    without_named_sets.named_set_elements = false;
    struct Reads {
        Result<Ruleset> streamed, streamed_without_named_sets;
        Result<NftRawDump> recorded, recorded_without_named_sets;
    };
    auto reads = netns_->inside([&] {
        return std::optional<Reads>(Reads{read_nftables(), read_nftables(without_named_sets), dump_nftables(),
                                          dump_nftables(without_named_sets)});
    });
    ASSERT_TRUE(reads.has_value());
    ASSERT_TRUE(reads->streamed.has_value()) << reads->streamed.error().message;
    ASSERT_TRUE(reads->streamed_without_named_sets.has_value()) << reads->streamed_without_named_sets.error().message;
    ASSERT_TRUE(reads->recorded.has_value()) << reads->recorded.error().message;
    ASSERT_TRUE(reads->recorded_without_named_sets.has_value());
    auto parsed = parse_nftables_dump(reads->recorded->messages);
    auto parsed_without_named_sets = parse_nftables_dump(reads->recorded_without_named_sets->messages);
    ASSERT_TRUE(parsed.has_value() && parsed_without_named_sets.has_value());
    EXPECT_EQ(nlohmann::json(*reads->streamed), nlohmann::json(*parsed));
    EXPECT_EQ(nlohmann::json(*reads->streamed_without_named_sets), nlohmann::json(*parsed_without_named_sets));
    testing::expect_docker_tables(*reads->streamed);
    testing::expect_native_table(*reads->streamed);

    const Table* t = reads->streamed_without_named_sets->find_table(Family::inet, "dndtest");
    ASSERT_NE(t, nullptr);
    const Set* portmap = t->find_set("portmap");
    ASSERT_NE(portmap, nullptr);
    EXPECT_TRUE(portmap->elements_loaded);
    EXPECT_EQ(portmap->elements.size(), 2u);
    EXPECT_FALSE(t->find_set("blocked")->elements_loaded);
}

TEST_F(NftLive, SkipsNamedSetElementsOnRequest) {
    NftReadOptions options;
    options.named_set_elements = false;
    auto ruleset = netns_->inside([&] { return std::optional<Result<Ruleset>>(read_nftables(options)); });
    ASSERT_TRUE(ruleset.has_value() && ruleset->has_value());
    const Table* t = (*ruleset)->find_table(Family::inet, "dndtest");
    ASSERT_NE(t, nullptr);
    const Set* blocked = t->find_set("blocked");
    ASSERT_NE(blocked, nullptr);
    EXPECT_FALSE(blocked->elements_loaded);
    EXPECT_TRUE(blocked->elements.empty());
    // anonymous sets are still there, so rules render completely
    EXPECT_EQ(testing::rule_texts(**ruleset, Family::inet, "dndtest", "input").at(2), "tcp dport { 22, 8080 } accept");
}

TEST_F(NftLive, LooksUpSingleKeysInSets) {
    auto lookup = [&](Bytes key) {
        return netns_->inside([&] { return std::optional<Result<bool>>(set_contains(Family::inet, "dndtest", "blocked", key)); });
    };
    auto inside_interval = lookup({10, 1, 2, 3});
    ASSERT_TRUE(inside_interval && inside_interval->has_value()) << inside_interval->error().message;
    EXPECT_TRUE(**inside_interval);
    auto single = lookup({192, 168, 1, 5});
    ASSERT_TRUE(single && single->has_value());
    EXPECT_TRUE(**single);
    auto outside = lookup({11, 0, 0, 1});
    ASSERT_TRUE(outside && outside->has_value()) << outside->error().message;
    EXPECT_FALSE(**outside);

    auto no_set = netns_->inside(
        [&] { return std::optional<Result<bool>>(set_contains(Family::inet, "dndtest", "nosuchset", Bytes{1, 2, 3, 4})); });
    ASSERT_TRUE(no_set.has_value());
    EXPECT_FALSE(no_set->has_value());
}

TEST_F(NftLive, ReadsIptablesLegacy) {
    if (!legacy_loaded_) GTEST_SKIP() << "iptables-legacy could not load rules here (no ip_tables support?)";
    // /proc/thread-self: the names file of the namespace this thread joined
    auto blobs = netns_->inside(
        [] { return std::optional<Result<std::vector<LegacyTableBlob>>>(dump_iptables_legacy("/proc/thread-self")); });
    ASSERT_TRUE(blobs.has_value());
    ASSERT_TRUE(blobs->has_value()) << (*blobs).error().message;
    ASSERT_EQ((*blobs)->size(), 1u);  // only filter: nothing else was ever asked for
    const LegacyTableBlob& filter = (**blobs)[0];
    if (testing::update_fixtures()) {
        testing::update_golden_file(testing::fixture_dir() + "/legacy-filter.info.bin", filter.info);
        testing::update_golden_file(testing::fixture_dir() + "/legacy-filter.entries.bin", filter.entries);
    }
    auto table = parse_iptables_legacy_table(filter);
    ASSERT_TRUE(table.has_value()) << table.error().message;
    testing::expect_legacy_filter(*table);
}

}  // namespace
}  // namespace dnd::nf
