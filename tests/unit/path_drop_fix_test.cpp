// The fix lines of the path-drop checks, per place the drop really is: Docker's DOCKER-USER
// (iptables-nft, ip6tables), another nft table (native, firewalld's), a chain ufw writes,
// iptables-legacy, a rule or a policy, each hook. The facts are the web container of
// fixtures/checks/nf_docker_iptables_nft with a ruleset and a denied path made here, run
// through the checks as the tool runs them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

using nf::Family;
using nf::Hook;
using Kind = nf::Verdict::Kind;

constexpr const char* kContainerAddr = "172.17.0.2";

nf::Chain chain(std::string name, std::vector<std::uint64_t> handles) {
    nf::Chain c;
    c.name = std::move(name);
    for (std::size_t i = 0; i < handles.size(); ++i) {
        nf::Rule r;
        r.handle = handles[i];
        r.position = static_cast<std::uint32_t>(i);
        c.rules.push_back(r);
    }
    return c;
}

nf::Chain base_chain(std::string name, Hook hook, Kind policy, std::vector<std::uint64_t> handles) {
    nf::Chain c = chain(std::move(name), std::move(handles));
    c.base = nf::BaseChain{nf::ChainType::filter, hook, 0, policy, ""};
    return c;
}

nf::Table table(Family family, std::string name, std::vector<nf::Chain> chains,
                nf::RulesetSource source = nf::RulesetSource::nftables) {
    nf::Table t;
    t.family = family;
    t.name = std::move(name);
    t.source = source;
    t.chains = std::move(chains);
    return t;
}

// Docker's iptables-nft filter table: FORWARD jumps to DOCKER-USER (handle 10) first.
nf::Table docker_filter(Family family, std::vector<nf::Chain> more = {}) {
    std::vector<nf::Chain> chains{base_chain("FORWARD", Hook::forward, Kind::drop, {10, 11, 12}),
                                  chain("DOCKER-USER", {20, 21, 22})};
    for (auto& c : more) chains.push_back(std::move(c));
    return table(family, "filter", std::move(chains));
}

PathStep step(std::string hook, std::string where, std::optional<std::uint64_t> handle, StepResult result,
              std::string note = "") {
    std::string rule = result == StepResult::policy ? "policy drop" : "(rule)";
    return PathStep{std::move(hook), std::move(where), handle, std::move(rule), result, std::move(note)};
}

// The outside client's packet to 8080, DNAT'd to the container's port 80.
PathResult forwarded_packet(int family = 4) {
    PathResult p;
    p.packet.family = family;
    p.packet.iif = "eth0";
    p.packet.saddr = family == 6 ? "2001:db8::77" : "203.0.113.77";
    p.packet.daddr = family == 6 ? "2001:db8::10" : "192.0.2.10";
    p.packet.dport = 8080;
    p.final_packet = p.packet;
    p.final_packet.daddr = family == 6 ? "fd00::2" : kContainerAddr;
    p.final_packet.dport = 80;
    p.steps.push_back(step("prerouting", family == 6 ? "ip6 nat DOCKER" : "ip nat DOCKER", 7, StepResult::dnat));
    p.steps.push_back(step("routing", "routing", std::nullopt, StepResult::route));
    p.out_interface = "docker0";
    return p;
}

// The path ends with `last` (which denies it) in the forward hook.
PathResult denied(PathResult p, std::vector<PathStep> steps, PathVerdict verdict = PathVerdict::dropped) {
    for (auto& s : steps) p.steps.push_back(std::move(s));
    p.verdict = verdict;
    p.decided_by = p.steps.back().where + " " + p.steps.back().rule;
    p.decided_hook = p.steps.back().hook;
    return p;
}

// The fix lines the check `id` reports for the web container with these rulesets and path.
std::vector<std::string> fixes(const std::string& id, std::vector<nf::Table> nft, std::vector<nf::Table> legacy,
                               const PathResult& path) {
    Facts f = testing::load_check_case("nf_docker_iptables_nft");
    f.host->nftables = nf::Ruleset{0, std::move(nft)};
    f.host->iptables_legacy = nf::Ruleset{0, std::move(legacy)};
    f.paths = std::vector<PathResult>{path};
    for (const Check& check : all_checks()) {
        if (check.id() != id) continue;
        const CheckResult r = check.run(f);
        if (r.findings.size() != 1) {
            ADD_FAILURE() << id << " reported " << r.findings.size() << " findings";
            return {};
        }
        return r.findings.front().fix;
    }
    ADD_FAILURE() << "no check " << id;
    return {};
}

std::string all_text(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
}

TEST(FixCommand, IsTheRestOfTheLineAfterTheMarker) {
    const std::string line = fix_running("turn forwarding on", "sysctl -w net.ipv4.ip_forward=1");
    EXPECT_EQ(line, "turn forwarding on; run: sysctl -w net.ipv4.ip_forward=1");
    EXPECT_EQ(command_of_fix(line), "sysctl -w net.ipv4.ip_forward=1");
    EXPECT_EQ(command_of_fix("run: nft list ruleset"), "nft list ruleset");
    // A command that itself says "run: " stays whole; advice holds no command.
    EXPECT_EQ(command_of_fix(fix_running("echo it", "echo 'run: x'")), "echo 'run: x'");
    EXPECT_EQ(command_of_fix("or publish on loopback only: -p 127.0.0.1:8080:80"), std::nullopt);
    EXPECT_EQ(command_of_fix("nothing to run; run: "), std::nullopt);
}

TEST(PathDropFix, DropInDockerUserIsAllowedThereOrDeleted) {
    const auto path = denied(forwarded_packet(), {step("forward", "ip filter FORWARD", 10, StepResult::jump, "jump to DOCKER-USER"),
                                                  step("forward", "ip filter DOCKER-USER", 21, StepResult::matched_drop)});
    EXPECT_EQ(fixes("netfilter.forward-drop", {docker_filter(Family::ip)}, {}, path),
              (std::vector<std::string>{
                  "allow it in DOCKER-USER, before the drop; run: iptables-nft -I DOCKER-USER -d 172.17.0.2 -p tcp "
                  "--dport 80 -j ACCEPT",
                  "or delete the rule that drops it; run: nft delete rule ip filter DOCKER-USER handle 21",
              }));
}

TEST(PathDropFix, Ipv6DropInDockerUserUsesIp6tables) {
    const auto path = denied(forwarded_packet(6), {step("forward", "ip6 filter FORWARD", 10, StepResult::jump, "jump to DOCKER-USER"),
                                                   step("forward", "ip6 filter DOCKER-USER", 20, StepResult::matched_reject)},
                             PathVerdict::rejected);
    EXPECT_EQ(fixes("netfilter.forward-drop", {docker_filter(Family::ip6)}, {}, path),
              (std::vector<std::string>{
                  "allow it in DOCKER-USER, before the drop; run: ip6tables-nft -I DOCKER-USER -d fd00::2 -p tcp "
                  "--dport 80 -j ACCEPT",
                  "or delete the rule that drops it; run: nft delete rule ip6 filter DOCKER-USER handle 20",
              }));
}

TEST(PathDropFix, DropInAnotherNftTableIsAllowedInThatChainNeverInDockerUser) {
    // Docker's chains accepted it; a native table's base chain on the same hook drops it.
    const auto path = denied(forwarded_packet(),
                             {step("forward", "ip filter FORWARD", 10, StepResult::jump, "jump to DOCKER-USER"),
                              step("forward", "ip filter FORWARD", 12, StepResult::matched_accept, "accept"),
                              step("forward", "inet dndblock filter_forward", 3, StepResult::matched_drop)});
    const nf::Table block =
        table(Family::inet, "dndblock", {base_chain("filter_forward", Hook::forward, Kind::accept, {2, 3})});
    const auto lines = fixes("netfilter.forward-drop", {docker_filter(Family::ip), block}, {}, path);
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "allow it in inet dndblock filter_forward, before the rule that drops it; run: nft insert "
                         "rule inet dndblock filter_forward position 3 ip daddr 172.17.0.2 tcp dport 80 accept",
                         "or delete the rule that drops it; run: nft delete rule inet dndblock filter_forward handle 3",
                     }));
    EXPECT_EQ(all_text(lines).find("DOCKER-USER"), std::string::npos) << all_text(lines);
}

TEST(PathDropFix, FirewalldsTableIsNamedAndItsRuleNotDeleted) {
    const auto path = denied(forwarded_packet(),
                             {step("forward", "ip filter FORWARD", 12, StepResult::matched_accept, "accept"),
                              step("forward", "inet firewalld filter_FORWARD", 4, StepResult::jump, "jump to filter_FORWARD_ZONES"),
                              step("forward", "inet firewalld filter_FORWARD", 6, StepResult::matched_reject)},
                             PathVerdict::rejected);
    const nf::Table firewalld =
        table(Family::inet, "firewalld",
              {base_chain("filter_FORWARD", Hook::forward, Kind::accept, {1, 2, 3, 4, 6}), chain("filter_FORWARD_ZONES", {9})});
    // firewalld's drops are firewall.firewalld-zone's, fixed with firewall-cmd: a rule put in its
    // table by hand lasts until its next reload, and its rule is never deleted.
    const auto lines = fixes("firewall.firewalld-zone", {docker_filter(Family::ip), firewalld}, {}, path);
    ASSERT_EQ(lines.size(), 2u) << all_text(lines);
    EXPECT_EQ(lines[0],
              "put docker0 in Docker's zone, as dockerd does when it reaches firewalld over D-Bus at start; run: "
              "firewall-cmd --zone=docker --change-interface=docker0 && firewall-cmd --permanent --zone=docker "
              "--change-interface=docker0");
    EXPECT_EQ(lines[1], "or restart the engine with firewalld running: dockerd puts its bridges in the docker zone "
                        "itself when it reaches firewalld over D-Bus");
    EXPECT_EQ(all_text(lines).find("nft "), std::string::npos) << all_text(lines);
}

// UFW's drops are firewall.ufw-blocks', fixed in UFW's terms: a rule put in its chains by hand
// lasts until the next ufw reload.
TEST(PathDropFix, UfwChainReachedFromDockerUserNamesUfwRouteAllow) {
    const auto path = denied(forwarded_packet(),
                             {step("forward", "ip filter FORWARD", 10, StepResult::jump, "jump to DOCKER-USER"),
                              step("forward", "ip filter DOCKER-USER", 20, StepResult::jump, "jump to ufw-docker-logging-deny"),
                              step("forward", "ip filter ufw-docker-logging-deny", 87, StepResult::matched_drop)});
    EXPECT_EQ(fixes("firewall.ufw-blocks", {docker_filter(Family::ip, {chain("ufw-docker-logging-deny", {86, 87})})},
                    {}, path),
              (std::vector<std::string>{
                  "allow it with a UFW route rule, which ufw-docker's block consults first; run: ufw route allow proto "
                  "tcp from any to 172.17.0.2 port 80",
              }));
}

TEST(PathDropFix, IptablesNftRuleBeforeDockerUserIsAllowedAtItsPosition) {
    const auto path = denied(forwarded_packet(), {step("forward", "ip filter FORWARD", 11, StepResult::matched_drop)});
    EXPECT_EQ(fixes("netfilter.forward-drop", {docker_filter(Family::ip)}, {}, path),
              (std::vector<std::string>{
                  "allow it in ip filter FORWARD, before the rule that drops it; run: iptables-nft -I FORWARD 2 -d "
                  "172.17.0.2 -p tcp --dport 80 -j ACCEPT",
                  "or delete the rule that drops it; run: nft delete rule ip filter FORWARD handle 11",
              }));
}

TEST(PathDropFix, LegacyPolicyOfAnEmptyChainIsOpenedWithIptablesLegacy) {
    const auto path = denied(forwarded_packet(), {step("forward", "ip filter FORWARD", 10, StepResult::jump, "jump to DOCKER-USER"),
                                                  step("forward", "ip filter FORWARD", 12, StepResult::matched_accept),
                                                  step("forward", "iptables-legacy ip filter FORWARD", std::nullopt,
                                                       StepResult::policy, "policy drop")});
    const nf::Table legacy = table(Family::ip, "filter", {base_chain("FORWARD", Hook::forward, Kind::drop, {})},
                                   nf::RulesetSource::iptables_legacy);
    const auto lines = fixes("netfilter.forward-drop", {docker_filter(Family::ip)}, {legacy}, path);
    EXPECT_EQ(lines, (std::vector<std::string>{"iptables-legacy ip filter FORWARD holds no rules and drops by its "
                                               "policy: let it accept; run: iptables-legacy -P FORWARD ACCEPT"}));
    // netfilter.backend-mismatch leads with the same fix, then how to end up with one backend.
    const auto mismatch = fixes("netfilter.backend-mismatch", {docker_filter(Family::ip)}, {legacy}, path);
    ASSERT_GE(mismatch.size(), 2u);
    EXPECT_EQ(mismatch.front(), lines.front());
}

TEST(PathDropFix, LegacyRuleIsAllowedAndDeletedByItsNumber) {
    const auto path = denied(forwarded_packet(), {step("forward", "iptables-legacy ip filter FORWARD", 152,
                                                       StepResult::matched_drop)});
    const nf::Table legacy = table(Family::ip, "filter", {base_chain("FORWARD", Hook::forward, Kind::accept, {0, 152, 304})},
                                   nf::RulesetSource::iptables_legacy);
    EXPECT_EQ(fixes("netfilter.forward-drop", {docker_filter(Family::ip)}, {legacy}, path),
              (std::vector<std::string>{
                  "allow it in iptables-legacy ip filter FORWARD, before the rule that drops it; run: iptables-legacy -I "
                  "FORWARD 2 -d "
                  "172.17.0.2 -p tcp --dport 80 -j ACCEPT",
                  "or delete the rule that drops it; run: iptables-legacy -D FORWARD 2",
              }));
}

TEST(PathDropFix, NftPolicyDropIsAllowedAtTheEndOrOpenedWhenTheChainIsEmpty) {
    const auto path = denied(forwarded_packet(),
                             {step("forward", "ip filter FORWARD", 12, StepResult::matched_accept),
                              step("forward", "inet filter forward", std::nullopt, StepResult::policy, "policy drop")});
    const nf::Table with_rules = table(Family::inet, "filter", {base_chain("forward", Hook::forward, Kind::drop, {5})});
    EXPECT_EQ(fixes("netfilter.forward-drop", {docker_filter(Family::ip), with_rules}, {}, path),
              (std::vector<std::string>{"allow it at the end of inet filter forward, before its policy drops it; run: "
                                        "nft add rule inet filter forward ip daddr 172.17.0.2 tcp dport 80 accept"}));
    const nf::Table empty = table(Family::inet, "filter", {base_chain("forward", Hook::forward, Kind::drop, {})});
    EXPECT_EQ(fixes("netfilter.forward-drop", {docker_filter(Family::ip), empty}, {}, path),
              (std::vector<std::string>{"inet filter forward holds no rules and drops by its policy: let it accept; run: "
                                        "nft chain inet filter forward '{ policy accept; }'"}));
}

TEST(PathDropFix, InputPolicyOfUfwsTableOpensTheHostPort) {
    // A packet to the host port (docker-proxy), not DNAT'd: the match is the host port alone.
    PathResult p;
    p.packet.iif = "eth0";
    p.packet.saddr = "203.0.113.77";
    p.packet.daddr = "192.0.2.10";
    p.packet.dport = 8080;
    p.final_packet = p.packet;
    p = denied(p, {step("input", "ip filter INPUT", 30, StepResult::jump, "jump to ufw-before-input"),
                   step("input", "ip filter INPUT", std::nullopt, StepResult::policy, "policy drop")});
    const nf::Table filter = table(Family::ip, "filter", {base_chain("INPUT", Hook::input, Kind::drop, {30}),
                                                          chain("ufw-before-input", {31})});
    EXPECT_EQ(fixes("firewall.ufw-blocks", {filter}, {}, p),
              (std::vector<std::string>{"allow it in UFW, before UFW's default incoming policy; run: ufw allow 8080/tcp"}));
}

TEST(PathDropFix, PreroutingRuleInRawIsAllowedBeforeIt) {
    PathResult p = forwarded_packet();
    p.steps.clear();
    p = denied(p, {step("prerouting", "ip raw PREROUTING", 40, StepResult::matched_drop)});
    const nf::Table raw = table(Family::ip, "raw", {base_chain("PREROUTING", Hook::prerouting, Kind::accept, {40})});
    const auto lines = fixes("netfilter.prerouting-drop", {raw}, {}, p);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front(), "allow it in ip raw PREROUTING, before the rule that drops it; run: iptables-nft -t raw -I "
                             "PREROUTING 1 -p tcp --dport 8080 -j ACCEPT");
}

TEST(PathDropFix, UnknownPlaceNamesTheRuleWithoutACommand) {
    // The step names a table the rulesets do not hold (a replay of a partial facts file).
    const auto path = denied(forwarded_packet(), {step("forward", "inet gone forward", 3, StepResult::matched_drop)});
    const auto lines = fixes("netfilter.forward-drop", {docker_filter(Family::ip)}, {}, path);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines.front(), "change the rule that decides: inet gone forward (rule)");
    EXPECT_EQ(command_of_fix(lines.front()), std::nullopt);
}

}  // namespace
}  // namespace dnd
