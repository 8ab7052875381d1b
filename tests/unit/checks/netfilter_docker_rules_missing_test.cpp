// netfilter.docker-rules-missing: dockerd runs with iptables on, yet its chains or the
// container's DNAT are gone (a `flush ruleset`, a firewall reload).
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "After a reboot nothing reaches -p 8080:80; /etc/nftables.conf starts with flush ruleset."
TEST(NetfilterDockerRulesMissing, FiresAndNamesTheServiceThatFlushedThem) {
    auto r = checks::netfilter_docker_rules_missing().run(
        FactsBuilder().no_docker_rules().daemon_option("userland-proxy", false).flushing_nftables_service().build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.docker-rules-missing", tcp(80), Severity::critical,
                            "Docker's nat/filter chains are gone while dockerd runs with iptables on: nothing takes "
                            "0.0.0.0:8080 to web port 80/tcp"));
    EXPECT_THAT(f.evidence,
                ElementsAre("dockerd (pid 812) runs with iptables on (no --iptables=false on its command line): it keeps "
                            "its own chains and a DNAT rule per published port",
                            "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                            "in neither iptables-nft nor iptables-legacy: ip nat DOCKER, ip filter DOCKER, ip filter "
                            "DOCKER-USER, ip filter DOCKER-ISOLATION-STAGE-1",
                            "no rule with tcp dport 8080 and a dnat/DNAT action in nftables or iptables-legacy",
                            "nftables now holds no table at all", "nothing listens on tcp port 8080 on the host",
                            "/etc/nftables.conf starts by `flush ruleset`, which removes every table, Docker's too "
                            "(nftables.service enabled: /etc/systemd/system/sysinit.target.wants/nftables.service)"));
    ASSERT_FALSE(f.fix.empty());
    EXPECT_EQ(f.fix.front(), "restart the engine: it writes its chains and every running container's DNAT again; run: "
                             "systemctl restart docker");
    EXPECT_THAT(f.fix, Contains(HasSubstr("in /etc/nftables.conf replace `flush ruleset` with flushing only the tables")));
}

// "Someone deleted the DNAT rule for 8080; the DOCKER chain is still there."
TEST(NetfilterDockerRulesMissing, FiresForADeletedDnatRule) {
    auto r = checks::netfilter_docker_rules_missing().run(FactsBuilder().no_dnat(8080).daemon_option("userland-proxy", false).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.docker-rules-missing", tcp(80), Severity::critical,
                            "Docker's DNAT rule for 0.0.0.0:8080 is gone while dockerd runs with iptables on: nothing "
                            "takes 0.0.0.0:8080 to web port 80/tcp"));
    EXPECT_THAT(f.evidence, Contains("no rule with tcp dport 8080 and a dnat/DNAT action in nftables or iptables-legacy"));
    EXPECT_THAT(f.evidence, Contains("nftables now holds only: table ip nat, ip filter"));
}

// "The rules were flushed, but curl from outside still works through docker-proxy."
TEST(NetfilterDockerRulesMissing, WarnsWhileDockerProxyStillAnswersTheClient) {
    auto r = checks::netfilter_docker_rules_missing().run(FactsBuilder().no_docker_rules().build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.docker-rules-missing", tcp(80), Severity::warning,
                            "Docker's nat/filter chains are gone while dockerd runs with iptables on: nothing takes "
                            "0.0.0.0:8080 to web port 80/tcp (docker-proxy still answers this client)"));
    EXPECT_THAT(f.evidence, Contains("still listening on the host: tcp 0.0.0.0:8080 LISTEN docker-proxy(pid 2901) (reached "
                                     "through the input hook, not in place of the DNAT)"));
}

// "Docker's chains and DNAT are in place": the healthy default.
TEST(NetfilterDockerRulesMissing, QuietWithDockersRules) {
    EXPECT_TRUE(quiet(checks::netfilter_docker_rules_missing().run(FactsBuilder().build())));
}

// "dockerd --iptables=false": there were never rules to lose.
TEST(NetfilterDockerRulesMissing, QuietWhenDockerdRunsWithoutIptables) {
    EXPECT_TRUE(quiet(checks::netfilter_docker_rules_missing().run(FactsBuilder().daemon_option("iptables", false).build())));
}

// "Rootless Docker": its rules live in rootlesskit's namespace, none on the host.
TEST(NetfilterDockerRulesMissing, QuietForARootlessEngine) {
    EXPECT_TRUE(quiet(checks::netfilter_docker_rules_missing().run(FactsBuilder().rootless().build())));
}

// "dockerd's config is unreadable and none of Docker's chains exist": it may run with
// iptables off (engine.iptables-disabled), so nothing is known to be lost.
TEST(NetfilterDockerRulesMissing, QuietWhenNothingShowsIptablesIsOn) {
    auto f = FactsBuilder().unavailable(Fact::daemon).no_docker_rules().build();
    EXPECT_TRUE(quiet(checks::netfilter_docker_rules_missing().run(f)));
}

// "nft list ruleset is denied to me (no root)."
TEST(NetfilterDockerRulesMissing, UndecidedWithoutTheRuleset) {
    auto r = checks::netfilter_docker_rules_missing().run(FactsBuilder().unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs host.nftables (nftables: permission denied)"}));
}

}  // namespace
}  // namespace dnd
