// UFW's state read from its files, checked against what ufw 0.36.2 itself printed for the same
// files (fixtures/ufw/README.md): the numbers and lines of `ufw status numbered`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/ufw_collect.hpp"
#include "docknetdoctor/model/ufw.hpp"
#include "fake_proc.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

const std::string kRoot = std::string(DND_SOURCE_DIR) + "/fixtures/ufw/bookworm-ufw-0.36.2";

// The rule lines of the real `ufw status numbered`, trailing spaces removed.
std::vector<std::string> real_status_lines() {
    std::istringstream in(testing::read_text(kRoot + "/status-numbered.txt"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("[")) continue;
        line.erase(line.find_last_not_of(' ') + 1);
        lines.push_back(line);
    }
    return lines;
}

TEST(UfwState, ReadsWhatUfwWrote) {
    auto state = read_ufw_state(kRoot);
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_TRUE(state->installed);
    EXPECT_TRUE(state->enabled);
    EXPECT_EQ(state->default_input_policy, "DROP");
    EXPECT_EQ(state->default_forward_policy, "DROP");
    EXPECT_EQ(state->default_output_policy, "ACCEPT");
    EXPECT_TRUE(state->ipv6);
    ASSERT_TRUE(state->docker_user_hooked);
    EXPECT_FALSE(*state->docker_user_hooked);
    ASSERT_TRUE(state->rules) << state->rules.error().message;
    EXPECT_EQ(state->rules->malformed, 0);
    ASSERT_EQ(state->rules->rules.size(), 15U);
    const UfwRule& route_deny = state->rules->rules[1];
    EXPECT_TRUE(route_deny.route);
    EXPECT_EQ(route_deny.action, "deny");
    EXPECT_EQ(route_deny.comment, "no lab client");
    EXPECT_THAT(route_deny.iptables_rules,
                ElementsAre("-A ufw-user-forward -p tcp -d 172.31.0.2 --dport 80 -s 10.99.2.1 -j DROP"));
}

TEST(UfwState, EveryRuleIsListedAsUfwStatusNumberedListsIt) {
    auto state = read_ufw_state(kRoot);
    ASSERT_TRUE(state && state->rules);
    std::vector<std::string> ours;
    for (const UfwRule& r : state->rules->rules) ours.push_back(ufw_status_line(r));
    EXPECT_EQ(ours, real_status_lines());
}

TEST(UfwState, FindsTheRuleBehindAKernelRuleByItsPlaceInTheChain) {
    auto state = read_ufw_state(kRoot);
    ASSERT_TRUE(state && state->rules);
    const UfwRules& rules = *state->rules;
    // ufw-user-forward: [2] route deny, [3] route allow; ufw-user-input's 4th rule is [6]'s
    // first (22, 8080 twice, then the limit rule's jump to its logging chain), of 11.
    const UfwRule* r = ufw_rule_at(rules, false, "ufw-user-forward", 0, 2);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->number, 2);
    r = ufw_rule_at(rules, false, "ufw-user-input", 3, 11);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->number, 6);
    r = ufw_rule_at(rules, true, "ufw6-user-forward", 0, 1);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->number, 14);
    // A kernel chain that holds other rules than the file loads: nothing is named.
    EXPECT_EQ(ufw_rule_at(rules, false, "ufw-user-forward", 0, 3), nullptr);
}

TEST(UfwState, NotInstalledWithoutUfwConf) {
    testing::FakeProc empty;  // a throwaway tree: no etc/ufw in it
    auto state = read_ufw_state(empty.root());
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_FALSE(state->installed);
    EXPECT_FALSE(state->enabled);
}

// "user.rules cannot be read": that slot fails with the reason, the rest is read.
TEST(UfwState, AnUnreadableRulesFileFailsItsSlotOnly) {
    testing::FakeProc root;
    root.write("etc/ufw/ufw.conf", "ENABLED=yes\n");
    fs::create_directories(root.root() + "/etc/ufw/user.rules");  // a directory: reading it fails
    auto state = read_ufw_state(root.root());
    ASSERT_TRUE(state) << state.error().message;
    EXPECT_TRUE(state->enabled);
    ASSERT_FALSE(state->rules);
    EXPECT_EQ(state->rules.error().message, root.root() + "/etc/ufw/user.rules: Is a directory");
}

TEST(UfwState, CountsTuplesUfwWouldSkip) {
    const auto rules = parse_ufw_rules_file("### tuple ### allow tcp 22\n"
                                            "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 sideways_eth0\n"
                                            "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n",
                                            false, 1);
    EXPECT_EQ(rules.malformed, 2);
    ASSERT_EQ(rules.rules.size(), 1U);
    EXPECT_EQ(rules.rules[0].number, 1);
}

// An application profile's ports make one tuple each; `ufw status` lists, and numbers, it once.
TEST(UfwState, NumbersAnApplicationRuleOnce) {
    const auto rules = parse_ufw_rules_file(
        "### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in\n"
        "### tuple ### allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in\n"
        "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n",
        false, 1);
    ASSERT_EQ(rules.rules.size(), 3U);
    EXPECT_EQ(rules.rules[0].number, 1);
    EXPECT_EQ(rules.rules[1].number, 1);
    EXPECT_EQ(rules.rules[2].number, 2);
    EXPECT_EQ(ufw_status_line(rules.rules[0]), "[ 1] Nginx Full                 ALLOW IN    Anywhere");
}

TEST(UfwState, SeesUfwDockersHookInAfterRules) {
    EXPECT_TRUE(after_rules_hook_docker_user("*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j ufw-user-forward\nCOMMIT\n"));
    EXPECT_FALSE(after_rules_hook_docker_user("*filter\n-A ufw-after-input -j ufw-user-forward\nCOMMIT\n"));
    EXPECT_FALSE(after_rules_hook_docker_user(testing::read_text(kRoot + "/etc/ufw/after.rules")));
}

TEST(UfwState, RoundTripsThroughJson) {
    auto state = read_ufw_state(kRoot);
    ASSERT_TRUE(state);
    const nlohmann::json j = *state;
    const auto back = j.get<UfwState>();
    EXPECT_EQ(nlohmann::json(back), j);
    ASSERT_TRUE(back.rules);
    EXPECT_EQ(ufw_status_line(back.rules->rules[1]), real_status_lines()[1]);
}

}  // namespace
}  // namespace dnd
