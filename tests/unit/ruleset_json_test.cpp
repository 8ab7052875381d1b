// The ruleset model survives JSON (--save-facts / --facts): same data, same rendering.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "nft_testing.hpp"

namespace dnd::nf {
namespace {

Ruleset recorded() {
    auto r = parse_nftables_dump(testing::read_bytes(testing::fixture_dir() + "/nft-docker-native.bin"));
    EXPECT_TRUE(r.has_value());
    return r ? *r : Ruleset{};
}

TEST(RulesetJson, RoundTripKeepsEveryRuleAndSet) {
    Ruleset original = recorded();
    ASSERT_FALSE(original.tables.empty());
    nlohmann::json j = original;
    Ruleset back = j.get<Ruleset>();
    EXPECT_EQ(nlohmann::json(back), j);
    ASSERT_EQ(back.tables.size(), original.tables.size());
    for (std::size_t t = 0; t < original.tables.size(); ++t)
        for (std::size_t c = 0; c < original.tables[t].chains.size(); ++c)
            for (std::size_t r = 0; r < original.tables[t].chains[c].rules.size(); ++r)
                EXPECT_EQ(format_rule(back.tables[t], back.tables[t].chains[c], back.tables[t].chains[c].rules[r]),
                          format_rule(original.tables[t], original.tables[t].chains[c],
                                      original.tables[t].chains[c].rules[r]));
}

TEST(RulesetJson, ReadableNamesAndHexBytes) {
    nlohmann::json j = recorded();
    const auto& tables = j.at("tables");
    auto nat = std::find_if(tables.begin(), tables.end(), [](const auto& t) {
        return t.at("family") == "ip" && t.at("name") == "nat";
    });
    ASSERT_NE(nat, tables.end());
    EXPECT_EQ(nat->at("source"), "nftables");
    const auto& chains = nat->at("chains");
    auto pre = std::find_if(chains.begin(), chains.end(), [](const auto& c) { return c.at("name") == "PREROUTING"; });
    ASSERT_NE(pre, chains.end());
    EXPECT_EQ(pre->at("base").at("hook"), "prerouting");
    EXPECT_EQ(pre->at("base").at("priority"), -100);
    EXPECT_EQ(pre->at("base").at("policy"), "accept");

    Bytes b{0xac, 0x11, 0x00, 0x02};
    EXPECT_EQ(nlohmann::json(b), "ac110002");
    EXPECT_EQ(nlohmann::json("AC110002").get<Bytes>(), b);
    EXPECT_THROW(nlohmann::json("abc").get<Bytes>(), nlohmann::json::exception);
    EXPECT_THROW(nlohmann::json("zz").get<Bytes>(), nlohmann::json::exception);
}

TEST(RulesetJson, UnknownExpressionTypeIsRejected) {
    nlohmann::json j = {{"type", "warp-drive"}};
    EXPECT_THROW(j.get<Expr>(), nlohmann::json::exception);
    Expr unknown = nlohmann::json{{"type", "unknown"}, {"name", "tproxy"}}.get<Expr>();
    ASSERT_TRUE(std::holds_alternative<Unknown>(unknown));
    EXPECT_EQ(std::get<Unknown>(unknown).name, "tproxy");
}

}  // namespace
}  // namespace dnd::nf
