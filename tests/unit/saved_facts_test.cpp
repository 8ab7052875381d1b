// The facts file of an --all run: the host part once, each container's own part after it;
// it replays offline with the same answers, and a single container's file still loads.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/model/saved_facts.hpp"
#include "fixture_files.hpp"
#include "run_binary.hpp"

namespace dnd {
namespace {

std::vector<ContainerFacts> two_containers_and_a_failure() {
    std::vector<ContainerFacts> entries;
    entries.push_back({"lo", testing::load_check_case("app_loopback_only")});
    Facts healthy = testing::load_check_case("app_loopback_only");  // the same host ...
    healthy.container = testing::load_check_case("healthy_web").container;  // ... another container
    healthy.container_listeners = testing::load_check_case("healthy_web").container_listeners;
    entries.push_back({"web", std::move(healthy)});
    entries.push_back({"gone", fail("docker-api", "no such container: gone")});
    return entries;
}

TEST(SavedFacts, AnAllRunHoldsTheHostOnceAndEveryContainerRoundTrips) {
    const auto entries = two_containers_and_a_failure();
    const nlohmann::json document = all_facts_to_json(entries);
    ASSERT_TRUE(document.contains("host"));
    ASSERT_EQ(document.at("containers").size(), 3u);
    for (const auto& c : document.at("containers")) {
        if (c.contains("facts")) {
            EXPECT_FALSE(c.at("facts").contains("host"));
            EXPECT_FALSE(c.at("facts").contains("engine"));
        }
    }

    auto saved = saved_facts_from_json_text(document.dump());
    ASSERT_TRUE(saved.has_value()) << saved.error().message;
    EXPECT_TRUE(saved->all);
    ASSERT_EQ(saved->entries.size(), 3u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(saved->entries[i].ref, entries[i].ref);
        ASSERT_TRUE(saved->entries[i].facts.has_value()) << saved->entries[i].facts.error().message;
        EXPECT_EQ(facts_to_json(*saved->entries[i].facts), facts_to_json(*entries[i].facts)) << entries[i].ref;
    }
    ASSERT_FALSE(saved->entries[2].facts.has_value());
    EXPECT_EQ(saved->entries[2].facts.error().message, "no such container: gone");
}

TEST(SavedFacts, OneContainersFileIsStillOneEntry) {
    const Facts facts = testing::load_check_case("healthy_web");
    auto saved = saved_facts_from_json_text(facts_to_json(facts).dump());
    ASSERT_TRUE(saved.has_value()) << saved.error().message;
    EXPECT_FALSE(saved->all);
    ASSERT_EQ(saved->entries.size(), 1u);
    EXPECT_EQ(facts_to_json(*saved->entries[0].facts), facts_to_json(facts));
}

TEST(SavedFacts, AnAllFilesHostIsValidatedLikeAnyFactsFile) {
    nlohmann::json document = all_facts_to_json(two_containers_and_a_failure());
    document["containers"] = "not a list";
    auto saved = saved_facts_from_json_text(document.dump());
    ASSERT_FALSE(saved.has_value());
    EXPECT_EQ(saved.error().message, "malformed facts: containers is not an array");
}

// Through the binary as a user replays it: --all gives every container's report; without
// --all the file names its containers; with a name, that container alone.
TEST(SavedFacts, TheBinaryReplaysAnAllRunWholeOrOneContainer) {
    // Two containers of one recorded host (the same app twice) and one that failed.
    std::vector<ContainerFacts> entries;
    entries.push_back({"lo", testing::load_check_case("app_loopback_only")});
    entries.push_back({"lo-again", testing::load_check_case("app_loopback_only")});
    entries.push_back({"gone", fail("docker-api", "no such container: gone")});
    testing::TempDir dir;
    const auto path = (dir.path() / "all.json").string();
    std::ofstream(path) << all_facts_to_json(entries).dump();

    const auto all = test::run_docknetdoctor({"--all", "--facts", path, "--format", "json"});
    EXPECT_EQ(all.exit_code, 2) << all.describe();  // the worst verdict: critical over unknown
    const auto reports = nlohmann::json::parse(all.out, nullptr, false);
    ASSERT_TRUE(reports.is_array() && reports.size() == 3) << all.describe();
    for (int i : {0, 1}) {
        EXPECT_EQ(reports[i].value("verdict", ""), "critical") << i;
        EXPECT_EQ(reports[i]["causes"][0].value("id", ""), "app.loopback-only") << i;
    }
    EXPECT_EQ(reports[2].value("verdict", ""), "unknown");

    const auto unnamed = test::run_docknetdoctor({"--facts", path});
    EXPECT_EQ(unnamed.exit_code, 3);
    EXPECT_EQ(unnamed.err, "docknetdoctor: " + path +
                               " holds an --all run (3 containers): add --all, or name one of them: lo, lo-again, gone\n");

    const auto one = test::run_docknetdoctor({"--facts", path, "--format", "json", "lo-again"});
    EXPECT_EQ(one.exit_code, 2) << one.describe();
    const auto report = nlohmann::json::parse(one.out, nullptr, false);
    ASSERT_TRUE(report.is_object()) << one.describe();
    EXPECT_EQ(report["causes"][0].value("id", ""), "app.loopback-only");

    const auto other = test::run_docknetdoctor({"--facts", path, "nothere"});
    EXPECT_EQ(other.exit_code, 3);
    EXPECT_EQ(other.err, "docknetdoctor: " + path + " holds no container nothere: it holds lo, lo-again, gone\n");
}

}  // namespace
}  // namespace dnd
