#include <gtest/gtest.h>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/docker_api.hpp"

namespace dnd {
namespace {

// The container list recorded from the sandbox engine (10 containers).
std::vector<ContainerSummary> recorded_list() {
    auto list = parse_container_list(testing::read_fixture("engine-api/containers-list.json"));
    EXPECT_TRUE(list) << list.error().message;
    return list.value_or(std::vector<ContainerSummary>{});
}

constexpr const char* kWebId = "a21c4ad64fafcd3a169f6b653f90a0d70f69add37f8b0a09c9feeb944ce73a3f";

TEST(ResolveContainer, ExactNameWithOrWithoutSlash) {
    auto list = recorded_list();
    EXPECT_EQ(resolve_container(list, "web").value_or(""), kWebId);
    EXPECT_EQ(resolve_container(list, "/web").value_or(""), kWebId);
}

TEST(ResolveContainer, FullIdAndUniquePrefix) {
    auto list = recorded_list();
    EXPECT_EQ(resolve_container(list, kWebId).value_or(""), kWebId);
    EXPECT_EQ(resolve_container(list, "a21c").value_or(""), kWebId);
}

TEST(ResolveContainer, NameBeatsIdPrefix) {
    std::vector<ContainerSummary> list = {{"abc123", {"x"}, {}}, {"def456", {"abc"}, {}}};
    EXPECT_EQ(resolve_container(list, "abc").value_or(""), "def456");
}

TEST(ResolveContainer, AmbiguousPrefixListsTheCandidates) {
    auto r = resolve_container(recorded_list(), "b");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().source, "docker-api");
    EXPECT_EQ(r.error().message,
              "container prefix 'b' is ambiguous: b901dc00f159 (dnd-rec-unhealthy), bc5142b1e976 (dnd-rec-exited), "
              "bf1e17b5055f (dnd-rec-exposed)");
}

TEST(ResolveContainer, UnknownNameSuggestsTheClosest) {
    auto r = resolve_container(recorded_list(), "webb");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "no such container: webb (did you mean: web?)");
    EXPECT_EQ(resolve_container(recorded_list(), "dnd-rec-exitde").error().message,
              "no such container: dnd-rec-exitde (did you mean: dnd-rec-exited?)");
}

TEST(ResolveContainer, SuggestionsAreClosestFirstAndAtMostThree) {
    std::vector<ContainerSummary> list = {
        {"1", {"web3"}, {}}, {"2", {"web"}, {}}, {"3", {"web12"}, {}}, {"4", {"web2"}, {}}, {"5", {"database"}, {}}};
    EXPECT_EQ(resolve_container(list, "wen").error().message, "no such container: wen (did you mean: web, web2, web3?)");
}

TEST(ResolveContainer, NothingCloseMeansNoSuggestion) {
    EXPECT_EQ(resolve_container(recorded_list(), "postgres").error().message, "no such container: postgres");
    EXPECT_EQ(resolve_container({}, "web").error().message, "no such container: web");
}

}  // namespace
}  // namespace dnd
