// The netfilter parts of the check fixtures (fixtures/checks/nf_*) are made, not written:
// each case keeps its inputs next to facts.json (ruleset.nft for `nft -f`,
// iptables-nft.rules / iptables-legacy.rules for the *-restore tools). These tests load them
// into a scratch network namespace, read them back with the real readers and compare with
// facts.json's host.nftables / host.iptables_legacy; and they recompute `paths` with the
// packet-path evaluator, for every case whose host facts were collected (also the cases
// without ruleset inputs, e.g. a run that could not read the rulesets). DND_UPDATE_FIXTURES=1
// writes both into facts.json instead (as root for the rulesets); review the diff, then rerun
// to refresh expected.json. Last, the first fix of each finding is applied to those rules.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "docknetdoctor/model/ruleset.hpp"
#include "fixture_files.hpp"
#include "scratch_netns.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

constexpr const char* kNftInput = "ruleset.nft";
constexpr const char* kIptablesNftInput = "iptables-nft.rules";
constexpr const char* kIptablesLegacyInput = "iptables-legacy.rules";

fs::path cases_dir() { return fs::path(DND_SOURCE_DIR) / "fixtures" / "checks"; }

using testing::ScratchNetns;
using testing::update_fixtures;

std::string read_text(const fs::path& p) { return testing::read_text(p.string()); }

void update_json(const fs::path& p, const ordered_json& j) { testing::update_golden_file(p.string(), j.dump(2) + "\n"); }

// Cases whose facts carry a generated ruleset: those with at least one input file.
std::vector<std::string> generated_cases() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(cases_dir())) {
        const fs::path& d = entry.path();
        if (fs::exists(d / kNftInput) || fs::exists(d / kIptablesNftInput) || fs::exists(d / kIptablesLegacyInput))
            names.push_back(d.filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Cases whose facts hold a collected host (host.links read): their `paths` are the evaluator's.
std::vector<std::string> cases_with_host() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(cases_dir())) {
        const fs::path facts = entry.path() / "facts.json";
        if (!fs::exists(facts)) continue;
        const auto j = nlohmann::json::parse(read_text(facts), nullptr, false);
        if (j.is_object() && j.contains("host") && j["host"].contains("links") && j["host"]["links"].is_array())
            names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The model as facts.json stores it. The generation id changes with every load, and the
// kernel lists the elements of a hash set in no fixed order: neither is kept as read.
ordered_json ruleset_json(nf::Ruleset rs) {
    rs.generation = 0;
    for (nf::Table& t : rs.tables)
        for (nf::Set& set : t.sets)
            if (!set.is_interval())
                std::sort(set.elements.begin(), set.elements.end(),
                          [](const nf::SetElement& a, const nf::SetElement& b) { return a.key < b.key; });
    return ordered_json::parse(nlohmann::json(rs).dump());
}

Result<nf::Ruleset> read_nft_here() { return nf::read_nftables(); }
// /proc/thread-self: the table names of the namespace this thread joined.
Result<nf::Ruleset> read_legacy_here() { return nf::read_iptables_legacy("/proc/thread-self"); }

// The case's ruleset inputs, loaded into NS with the tools that made them.
::testing::AssertionResult load_inputs(const ScratchNetns& ns, const fs::path& dir) {
    if (fs::exists(dir / kNftInput) && !ns.exec("nft -f " + (dir / kNftInput).string()))
        return ::testing::AssertionFailure() << "nft could not load " << kNftInput;
    if (fs::exists(dir / kIptablesNftInput) && !ns.exec("iptables-nft-restore " + (dir / kIptablesNftInput).string()))
        return ::testing::AssertionFailure() << "iptables-nft-restore could not load " << kIptablesNftInput;
    if (fs::exists(dir / kIptablesLegacyInput) &&
        !ns.exec("iptables-legacy-restore " + (dir / kIptablesLegacyInput).string()))
        return ::testing::AssertionFailure() << "iptables-legacy could not load rules here";
    return ::testing::AssertionSuccess();
}

TEST(NetfilterCheckFixtures, RulesetsAreWhatTheirInputsLoad) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to load rules into a scratch network namespace";
    auto names = generated_cases();
    ASSERT_FALSE(names.empty()) << "no fixtures/checks case with ruleset inputs";
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const fs::path dir = cases_dir() / name;
        ScratchNetns ns("fx-" + name);
        if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
        ASSERT_TRUE(load_inputs(ns, dir));
        auto nft = ns.inside([] { return std::optional(read_nft_here()); });
        auto legacy = ns.inside([] { return std::optional(read_legacy_here()); });
        ASSERT_TRUE(nft && *nft) << (nft ? nft->error().message : "could not join the namespace");
        ASSERT_TRUE(legacy && *legacy) << (legacy ? legacy->error().message : "could not join the namespace");

        auto facts = ordered_json::parse(read_text(dir / "facts.json"));
        if (update_fixtures()) {
            facts["host"]["nftables"] = ruleset_json(**nft);
            facts["host"]["iptables_legacy"] = ruleset_json(**legacy);
            update_json(dir / "facts.json", facts);
            continue;
        }
        EXPECT_EQ(facts["host"]["nftables"], ruleset_json(**nft)) << "regenerate: DND_UPDATE_FIXTURES=1";
        EXPECT_EQ(facts["host"]["iptables_legacy"], ruleset_json(**legacy)) << "regenerate: DND_UPDATE_FIXTURES=1";
    }
}

// Runs after the rulesets above (same file, defined later), so one update refreshes both.
TEST(NetfilterCheckFixtures, PathsAreWhatTheEvaluatorComputes) {
    auto names = cases_with_host();
    ASSERT_GE(names.size(), generated_cases().size()) << "a case with ruleset inputs has no host.links";
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const fs::path path = cases_dir() / name / "facts.json";
        const std::string text = read_text(path);
        auto facts = facts_from_json_text(text);
        ASSERT_TRUE(facts) << facts.error().message;
        auto paths = paths_for(*facts, recorded_lookups(facts->host));
        ASSERT_TRUE(paths) << paths.error().message;
        const auto computed = ordered_json::parse(nlohmann::json(*paths).dump());
        auto stored = ordered_json::parse(text);
        if (update_fixtures()) {
            stored["paths"] = computed;
            update_json(path, stored);
            continue;
        }
        EXPECT_EQ(stored["paths"], computed) << "regenerate: DND_UPDATE_FIXTURES=1";
    }
}

// A fix command that changes netfilter rules (what a scratch namespace can show); sysctl and
// manager commands are applied by the integration tests against a real engine.
bool changes_netfilter(const std::string& command) {
    return command.starts_with("nft ") || command.starts_with("iptables-") || command.starts_with("ip6tables-");
}

// Every netfilter fix works when applied: for each case made from ruleset inputs, the first
// fix of each finding is run as the report prints it in a scratch namespace holding those
// rules; read back and evaluated again, the check no longer reports that port.
TEST(NetfilterCheckFixtures, FirstFixesWorkWhenAppliedToTheirRules) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to load rules into a scratch network namespace";
    std::size_t applied = 0;
    for (const auto& name : generated_cases()) {
        const fs::path dir = cases_dir() / name;
        const Facts facts = testing::load_check_case(name);
        for (const Check& check : all_checks()) {
            if (!check.run) continue;
            for (const Finding& finding : check.run(facts).findings) {
                const auto command = finding.fix.empty() ? std::nullopt : command_of_fix(finding.fix.front());
                if (!command || !changes_netfilter(*command)) continue;
                SCOPED_TRACE(name + ": " + finding.id + ": " + *command);
                ScratchNetns ns("fix-" + name);
                if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
                ASSERT_TRUE(load_inputs(ns, dir));
                ASSERT_TRUE(ns.exec(*command)) << "the command fails as printed";
                auto nft = ns.inside([] { return std::optional(read_nft_here()); });
                auto legacy = ns.inside([] { return std::optional(read_legacy_here()); });
                ASSERT_TRUE(nft && *nft && legacy && *legacy) << "could not read the rules back";
                Facts after = facts;
                after.host = *facts.host;  // its own: the next fix starts from the rules read
                after.host->nftables = std::move(**nft);
                after.host->iptables_legacy = std::move(**legacy);
                after.paths = paths_for(after, recorded_lookups(after.host));
                ASSERT_TRUE(after.paths) << after.paths.error().message;
                for (const Finding& still : check.run(after).findings)
                    EXPECT_FALSE(still.port == finding.port) << "still reported: " << still.title;
                ++applied;
            }
        }
    }
    // forward-drop x4, backend-mismatch, input-drop, prerouting-drop, firewall-bypass x2 (UFW's
    // drops are fixed with ufw, which the integration tests run).
    EXPECT_GE(applied, 9u);
}

// What the packets of each nf_* case come to, written by hand from the case's rules (its
// _source and inputs; see fixtures/checks/README-netfilter.md), not from the evaluator's
// output: a regenerated facts.json cannot carry a wrong verdict through. decided_by is the
// evaluator's wording with the kernel's rule handle left out.
struct ExpectedPath {
    std::string packet;  // "tcp SADDR -> DADDR:DPORT in IIF" ("local" when locally generated)
    std::string verdict;
    std::string hook;
    std::string decided_by;
};

const std::string kOutsideTo8080 = "tcp 203.0.113.77 -> 192.0.2.10:8080 in eth0";
const std::string kDockerAccept =
    R"(ip filter DOCKER: iifname != "docker0" oifname "docker0" ip daddr 172.17.0.2 tcp dport 80 counter accept)";

const std::map<std::string, std::vector<ExpectedPath>>& expected_nf_paths() {
    static const std::map<std::string, std::vector<ExpectedPath>> table = {
        // Docker's DNAT to 172.17.0.2:80, then its DOCKER chain accepts in FORWARD.
        {"nf_docker_iptables_nft", {{kOutsideTo8080, "forwarded", "forward", kDockerAccept}}},
        // br_netfilter only matters between containers on one bridge, not on this path.
        {"nf_br_netfilter_absent", {{kOutsideTo8080, "forwarded", "forward", kDockerAccept}}},
        // The raw PREROUTING drop is for packets addressed to the container itself.
        {"nf_docker28_direct_routing", {{kOutsideTo8080, "forwarded", "forward", kDockerAccept}}},
        // --direct: the same host, the client routes to 172.17.0.2 itself.
        {"nf_docker28_direct_access",
         {{"tcp 203.0.113.77 -> 172.17.0.2:80 in eth0", "dropped", "prerouting",
           R"(ip raw PREROUTING: iifname != "docker0" ip daddr 172.17.0.2 counter drop)"}}},
        {"nf_docker29_nftables",
         {{kOutsideTo8080, "forwarded", "forward",
           "ip docker-bridges filter-forward-in__docker0: ip daddr 172.17.0.2 tcp dport 80 counter accept"}}},
        // firewalld's forward chain runs after Docker's (priority filter + 10) and accepts DNAT.
        {"nf_firewalld_bypass",
         {{kOutsideTo8080, "forwarded", "forward", "inet firewalld filter_FORWARD: ct status dnat accept"}}},
        {"nf_ip_forward_off",
         {{kOutsideTo8080, "dropped", "routing", "net.ipv4.ip_forward = 0: the host does not forward packets"}}},
        // --iptables=false: no DNAT, so the packet is for the host, and UFW's INPUT drops it.
        {"nf_iptables_false_ufw", {{kOutsideTo8080, "dropped", "input", "ip filter INPUT policy drop"}}},
        {"nf_legacy_forward_drop",
         {{kOutsideTo8080, "dropped", "forward", "iptables-legacy ip filter FORWARD policy drop"}}},
        // flush ruleset took Docker's DNAT away: the host itself gets the packet.
        {"nf_nftables_flush", {{kOutsideTo8080, "delivered-local", "input", "inet filter input policy accept"}}},
        {"nf_prerouting_blocklist",
         {{"tcp 198.51.100.23 -> 192.0.2.10:8080 in eth0", "dropped", "prerouting",
           R"(inet blocklist prerouting: ip saddr @blocked4 counter drop comment "blocklist")"}}},
        // A client on this host: nat OUTPUT DNATs 127.0.0.1:8080 to 172.17.0.2:80 (no userland
        // proxy), and the route lookup after it refuses the 127/8 source on docker0, whose
        // route_localnet is 0.
        {"nf_route_localnet_off",
         {{"tcp 127.0.0.1 -> 127.0.0.1:8080 in local", "dropped", "rerouting",
           "packet from 127.0.0.1 leaving through docker0: martian source (net.ipv4.conf.docker0.route_localnet = 0)"}}},
        // A user's DOCKER-USER drop by port: Docker's FORWARD sends the packet there first.
        {"nf_docker_user_drop",
         {{kOutsideTo8080, "dropped", "forward", "ip filter DOCKER-USER: tcp dport 80 counter drop"}}},
        // Docker's FORWARD accepts; the other base chain on the hook still runs and drops.
        {"nf_native_table_forward_drop",
         {{kOutsideTo8080, "dropped", "forward", "inet dndblock filter_forward: tcp dport 80 drop"}}},
        // StrictForwardPorts: firewalld's forward chain has no DNAT accept and rejects.
        {"nf_firewalld_strict_forward",
         {{kOutsideTo8080, "rejected", "forward", "inet firewalld filter_FORWARD: reject with icmpx admin-prohibited"}}},
        // The kernel reads the incoming interface's switch, not net.ipv4.ip_forward.
        {"nf_interface_forwarding_off",
         {{kOutsideTo8080, "dropped", "routing",
           "net.ipv4.conf.eth0.forwarding = 0: forwarding is off on eth0, the interface the packet arrives on "
           "(net.ipv4.ip_forward = 1)"}}},
        {"nf_ip_forward_off_interface_on", {{kOutsideTo8080, "forwarded", "forward", kDockerAccept}}},
        // flush ruleset took Docker's DNAT; the host firewall's input policy then drops.
        {"nf_nftables_flush_input_drop", {{kOutsideTo8080, "dropped", "input", "inet filter input policy drop"}}},
        // flush ruleset and nothing loaded after it: no rule at all, the host itself gets it.
        {"nf_flush_engine_unseen", {{kOutsideTo8080, "delivered-local", "routing", "no rule or policy refused it"}}},
        // Docker's FORWARD jumps come before UFW's chains.
        {"nf_ufw_bypass", {{kOutsideTo8080, "forwarded", "forward", kDockerAccept}}},
        // ufw-docker: DOCKER-USER sends new connections to private ranges to its deny chain.
        {"nf_ufw_docker_forward_drop",
         {{kOutsideTo8080, "dropped", "forward", "ip filter ufw-docker-logging-deny: counter drop"}}},
    };
    return table;
}

// The evaluator's wording without the kernel's " handle N" (it changes on every load). No
// std::regex: g++ 12 warns falsely inside it under the sanitizers.
std::string without_handles(std::string text) {
    static constexpr std::string_view kHandle = " handle ";
    for (auto at = text.find(kHandle); at != std::string::npos; at = text.find(kHandle, at)) {
        auto end = at + kHandle.size();
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
        if (end == at + kHandle.size()) {
            at = end;
            continue;
        }
        text.erase(at, end - at);
    }
    return text;
}

std::vector<ExpectedPath> as_expected(const nlohmann::json& paths) {
    std::vector<ExpectedPath> out;
    for (const auto& p : paths) {
        const auto& packet = p.at("packet");
        const std::string iif = packet.value("iif", "");
        out.push_back({fmt::format("{} {} -> {}:{} in {}", packet.value("proto", ""), packet.value("saddr", ""),
                                   packet.value("daddr", ""), packet.value("dport", 0), iif.empty() ? "local" : iif),
                       p.value("verdict", ""), p.value("decided_hook", ""),
                       without_handles(p.value("decided_by", ""))});
    }
    return out;
}

void expect_paths(const std::vector<ExpectedPath>& actual, const std::vector<ExpectedPath>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(actual[i].packet, expected[i].packet);
        EXPECT_EQ(actual[i].verdict, expected[i].verdict) << actual[i].packet;
        EXPECT_EQ(actual[i].hook, expected[i].hook) << actual[i].packet;
        EXPECT_EQ(actual[i].decided_by, expected[i].decided_by) << actual[i].packet;
    }
}

TEST(NetfilterCheckFixtures, PathsAreTheHandWrittenVerdicts) {
    std::set<std::string> nf_cases;
    for (const auto& name : cases_with_host())
        if (name.starts_with("nf_")) nf_cases.insert(name);
    for (const auto& [name, _] : expected_nf_paths()) EXPECT_TRUE(nf_cases.contains(name)) << name << " has no host facts";
    for (const auto& name : nf_cases) {
        SCOPED_TRACE(name);
        auto row = expected_nf_paths().find(name);
        ASSERT_NE(row, expected_nf_paths().end()) << "write down what the packets of " << name << " come to";
        const std::string text = read_text(cases_dir() / name / "facts.json");
        auto facts = facts_from_json_text(text);
        ASSERT_TRUE(facts) << facts.error().message;
        auto computed = paths_for(*facts, recorded_lookups(facts->host));
        ASSERT_TRUE(computed) << computed.error().message;
        {
            SCOPED_TRACE("computed by the evaluator");
            expect_paths(as_expected(nlohmann::json(*computed)), row->second);
        }
        {
            SCOPED_TRACE("stored in facts.json");
            expect_paths(as_expected(nlohmann::json::parse(text).at("paths")), row->second);
        }
    }
}

}  // namespace
}  // namespace dnd
