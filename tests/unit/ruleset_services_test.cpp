// The services that can wipe Docker's rules, read from a tree shaped like / and one like /proc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "fake_proc.hpp"

namespace dnd {
namespace {

// Debian 12's stock /etc/nftables.conf (package nftables 1.0.6), as installed.
constexpr const char* kDebianNftablesConf =
    "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n"
    "\t\ttype filter hook input priority filter;\n\t}\n\tchain forward {\n"
    "\t\ttype filter hook forward priority filter;\n\t}\n\tchain output {\n"
    "\t\ttype filter hook output priority filter;\n\t}\n}\n";

// What the collector reads from the two trees, field by field.
void expect_read(const testing::FakeProc& root, const testing::FakeProc& proc, const RulesetServices& expected) {
    const auto s = read_ruleset_services(root.root(), proc.root());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->nftables_conf, expected.nftables_conf);
    EXPECT_EQ(s->nftables_conf_flushes, expected.nftables_conf_flushes);
    EXPECT_EQ(s->nftables_enabled_by, expected.nftables_enabled_by);
    EXPECT_EQ(s->firewalld_running, expected.firewalld_running);
}

TEST(RulesetServices, FlushingConfigEnabledServiceAndRunningFirewalld) {
    testing::FakeProc root;
    testing::FakeProc proc;
    root.write("etc/nftables.conf", kDebianNftablesConf);
    root.link("etc/systemd/system/sysinit.target.wants/nftables.service", "/lib/systemd/system/nftables.service");
    root.write("var/run/firewalld.pid", "812\n");
    proc.write("812/comm", "firewalld\n");
    expect_read(root, proc,
                {"/etc/nftables.conf", true, "/etc/systemd/system/sysinit.target.wants/nftables.service",
                 "/var/run/firewalld.pid (pid 812)"});
}

TEST(RulesetServices, ScopedFlushDisabledServiceAndStalePidFile) {
    testing::FakeProc root;
    testing::FakeProc proc;
    root.write("etc/nftables.conf", "table inet filter\nflush table inet filter\ntable inet filter {\n}\n");
    root.link("etc/systemd/system/multi-user.target.wants/docker.service", "/lib/systemd/system/docker.service");
    root.write("var/run/firewalld.pid", "812\n");  // firewalld gone, pid reused by another process
    proc.write("812/comm", "sshd\n");
    expect_read(root, proc, {"/etc/nftables.conf", false, "", ""});
}

TEST(RulesetServices, FirewalldFoundAsAProcessWithoutPidFile) {
    testing::FakeProc root;
    testing::FakeProc proc;
    proc.write("1207/comm", "firewalld\n");
    expect_read(root, proc, {"", false, "", "process firewalld (pid 1207)"});
}

// Given the processes named firewalld from a pass shared with dockerd's, the reader uses
// them and does not scan /proc again; the pass is asked for only when no pid file names one.
TEST(RulesetServices, FirewalldFromASharedProcessPassIsNotScannedForAgain) {
    testing::FakeProc root;
    testing::FakeProc proc;
    proc.write("1207/comm", "firewalld\n");
    int asked = 0;
    auto given = read_ruleset_services(root.root(), proc.root(), [&] {
        ++asked;
        return std::optional<std::vector<int>>{{1300}};
    });
    ASSERT_TRUE(given) << given.error().message;
    EXPECT_EQ(given->firewalld_running, "process firewalld (pid 1300)");
    EXPECT_EQ(asked, 1);
    auto none = read_ruleset_services(root.root(), proc.root(), [] { return std::optional<std::vector<int>>{}; });
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_EQ(none->firewalld_running, "");
    root.write("run/firewalld.pid", "1207\n");
    auto by_file = read_ruleset_services(root.root(), proc.root(), [&] {
        ++asked;
        return std::optional<std::vector<int>>{{1300}};
    });
    ASSERT_TRUE(by_file) << by_file.error().message;
    EXPECT_EQ(by_file->firewalld_running, "/run/firewalld.pid (pid 1207)");
    EXPECT_EQ(asked, 1) << "a pid file naming firewalld makes the pass over /proc needless";
}

// Under systemd firewalld runs with --nopid: its unit's cgroup names it, on cgroup v2 and v1,
// and no pass over /proc is needed; a pid there that is not firewalld is not taken for it.
TEST(RulesetServices, FirewalldServicesCgroupNamesItWithoutAPidFile) {
    testing::FakeProc proc;
    proc.write("640/comm", "python3\n");
    proc.write("641/comm", "firewalld\n");
    auto never = []() -> std::optional<std::vector<int>> {
        ADD_FAILURE() << "the processes were listed although the unit's cgroup named firewalld";
        return std::nullopt;
    };
    for (const std::string unit : {"sys/fs/cgroup/system.slice/firewalld.service/cgroup.procs",
                                   "sys/fs/cgroup/systemd/system.slice/firewalld.service/cgroup.procs"}) {
        testing::FakeProc root;
        root.write(unit, "640\n641\n");
        auto s = read_ruleset_services(root.root(), proc.root(), never);
        ASSERT_TRUE(s) << s.error().message;
        EXPECT_EQ(s->firewalld_running, "/" + unit + " (pid 641)");
    }
    // The unit's cgroup there and empty (stopped, or started by hand outside it): the
    // processes still answer.
    testing::FakeProc stopped;
    stopped.write("sys/fs/cgroup/system.slice/firewalld.service/cgroup.procs", "");
    auto by_hand = read_ruleset_services(stopped.root(), proc.root(), [] { return std::optional<std::vector<int>>{{641}}; });
    ASSERT_TRUE(by_hand) << by_hand.error().message;
    EXPECT_EQ(by_hand->firewalld_running, "process firewalld (pid 641)");
    auto none = read_ruleset_services(stopped.root(), proc.root(), [] { return std::optional<std::vector<int>>(std::vector<int>{}); });
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_EQ(none->firewalld_running, "");
}

// A firewalld without pid file or unit is looked for among the processes only where its
// rules are: its nftables backend's table, or its iptables backend's <CHAIN>_direct chains
// (legacy tables, or iptables-nft's in nftables). Docker's rules alone are not its mark.
TEST(RulesetServices, FirewalldsMarkOnTheRuleset) {
    auto table = [](nf::Family family, std::string name, nf::RulesetSource source, std::vector<std::string> chains) {
        nf::Table t;
        t.family = family;
        t.name = std::move(name);
        t.source = source;
        for (auto& c : chains) t.chains.emplace_back().name = std::move(c);
        return t;
    };
    nf::Ruleset docker;
    docker.tables.push_back(table(nf::Family::ip, "filter", nf::RulesetSource::nftables, {"FORWARD", "DOCKER", "DOCKER-USER"}));
    docker.tables.push_back(table(nf::Family::ip, "nat", nf::RulesetSource::nftables, {"PREROUTING", "DOCKER"}));
    EXPECT_FALSE(nf::holds_firewalld_rules(docker));
    EXPECT_FALSE(nf::holds_firewalld_rules(nf::Ruleset{}));

    nf::Ruleset nft_backend = docker;
    nft_backend.tables.push_back(table(nf::Family::inet, "firewalld", nf::RulesetSource::nftables, {"filter_INPUT"}));
    EXPECT_TRUE(nf::holds_firewalld_rules(nft_backend));

    nf::Ruleset iptables_backend;
    iptables_backend.tables.push_back(
        table(nf::Family::ip, "filter", nf::RulesetSource::iptables_legacy, {"INPUT", "INPUT_direct", "INPUT_ZONES"}));
    EXPECT_TRUE(nf::holds_firewalld_rules(iptables_backend));

    nf::Ruleset user_table_named_firewalld_in_legacy;  // only nftables holds firewalld's own table
    user_table_named_firewalld_in_legacy.tables.push_back(
        table(nf::Family::ip, "firewalld", nf::RulesetSource::iptables_legacy, {"INPUT"}));
    EXPECT_FALSE(nf::holds_firewalld_rules(user_table_named_firewalld_in_legacy));
}

// The collector looks among the processes for a firewalld without pid file or unit only
// where its rules are, or where a ruleset could not be read (its rules may be there).
TEST(RulesetServices, AFirewalldIsLookedForWhereItsRulesAreOrCannotBeSeen) {
    nf::Table docker_filter;
    docker_filter.name = "filter";
    docker_filter.chains.emplace_back().name = "DOCKER-USER";
    nf::Table firewalld = docker_filter;
    firewalld.family = nf::Family::inet;
    firewalld.name = "firewalld";
    HostNetwork host;
    host.nftables = nf::Ruleset{0, {docker_filter}};
    host.iptables_legacy = nf::Ruleset{};
    EXPECT_FALSE(may_hold_firewalld_rules(host));
    host.nftables = nf::Ruleset{0, {docker_filter, firewalld}};
    EXPECT_TRUE(may_hold_firewalld_rules(host));
    host.nftables = fail("nftables", "the nftables ruleset kept changing while it was read; gave up");
    EXPECT_TRUE(may_hold_firewalld_rules(host));
    host.nftables = nf::Ruleset{0, {docker_filter}};
    host.iptables_legacy = fail("iptables-legacy", "permission denied");
    EXPECT_TRUE(may_hold_firewalld_rules(host));
}

TEST(RulesetServices, FlushRulesetLineIsFoundWhereverItStands) {
    EXPECT_TRUE(ruleset_file_flushes_all("flush ruleset"));
    EXPECT_TRUE(ruleset_file_flushes_all("#!/usr/sbin/nft -f\n  flush ruleset;\r\n"));
    EXPECT_FALSE(ruleset_file_flushes_all("# flush ruleset\nflush table inet filter\n"));
}

// Saved with --save-facts and replayed with --facts: the culprits survive the round trip.
TEST(RulesetServices, SurviveTheFactsFileRoundTrip) {
    HostNetwork h;
    h.ruleset_services = RulesetServices{"/etc/nftables.conf", true,
                                         "/etc/systemd/system/sysinit.target.wants/nftables.service",
                                         "/var/run/firewalld.pid (pid 812)"};
    const HostNetwork back = nlohmann::json(h).get<HostNetwork>();
    ASSERT_TRUE(back.ruleset_services) << back.ruleset_services.error().message;
    EXPECT_EQ(back.ruleset_services->nftables_conf, "/etc/nftables.conf");
    EXPECT_TRUE(back.ruleset_services->nftables_conf_flushes);
    EXPECT_EQ(back.ruleset_services->nftables_enabled_by, "/etc/systemd/system/sysinit.target.wants/nftables.service");
    EXPECT_EQ(back.ruleset_services->firewalld_running, "/var/run/firewalld.pid (pid 812)");
}

}  // namespace
}  // namespace dnd
