// firewall.firewalld-reload: firewalld runs, and Docker's chains or a container's DNAT are
// gone (a `firewall-cmd --reload` emptied the iptables nat and filter tables).
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// The host's firewalld as the collector sees it: its pid file names a live firewalld.
Facts with_firewalld(Facts f) {
    RulesetServices services;
    services.firewalld_running = "/run/firewalld.pid (pid 700)";
    f.host->ruleset_services = services;
    return f;
}

// "Since `firewall-cmd --reload` nothing reaches -p 8080:80."
TEST(FirewallFirewalldReload, FiresWhenDockersChainsAreGoneWhileFirewalldRuns) {
    auto r = checks::firewall_firewalld_reload().run(
        with_firewalld(FactsBuilder().no_docker_rules().daemon_option("userland-proxy", false).build()));
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "firewall.firewalld-reload", tcp(80), Severity::critical,
                            "firewalld runs and Docker's nat/filter chains are gone: a firewalld reload removed them, "
                            "and nothing takes 0.0.0.0:8080 to web port 80/tcp"));
    EXPECT_THAT(f.evidence,
                ElementsAre("firewalld runs (/run/firewalld.pid (pid 700)): `firewall-cmd --reload` empties the iptables "
                            "nat and filter tables, whatever firewalld's own backend",
                            "dockerd (pid 812) runs with iptables on (no --iptables=false on its command line): it keeps "
                            "its own chains and a DNAT rule per published port",
                            "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                            "in neither iptables-nft nor iptables-legacy: ip nat DOCKER, ip filter DOCKER, ip filter "
                            "DOCKER-USER, ip filter DOCKER-ISOLATION-STAGE-1",
                            "no rule with tcp dport 8080 and a dnat/DNAT action in nftables or iptables-legacy",
                            "nftables now holds no table at all", "nothing listens on tcp port 8080 on the host"));
    EXPECT_THAT(f.fix, ElementsAre("restart the engine: it writes its chains and every running container's DNAT again; "
                                   "run: systemctl restart docker",
                                   HasSubstr("start firewalld before the engine")));
}

// "After the reload only my container's DNAT rule is missing; with docker-proxy on, curl
// from outside still answers."
TEST(FirewallFirewalldReload, WarnsForAMissingDnatWhileDockerProxyStillAnswers) {
    auto r = checks::firewall_firewalld_reload().run(with_firewalld(FactsBuilder().no_dnat(8080).build()));
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "firewall.firewalld-reload", tcp(80), Severity::warning,
                            "firewalld runs and Docker's DNAT rule is gone: a firewalld reload removed them, and nothing "
                            "takes 0.0.0.0:8080 to web port 80/tcp (docker-proxy still answers this client)"));
    EXPECT_THAT(f.evidence, Contains("nftables now holds only: table ip nat, ip filter"));
}

// "firewalld runs and Docker's rules are all there": Docker put them back after the reload.
TEST(FirewallFirewalldReload, QuietWhileDockersRulesAreInPlace) {
    EXPECT_TRUE(quiet(checks::firewall_firewalld_reload().run(with_firewalld(FactsBuilder().build()))));
}

// "The rules were flushed by /etc/nftables.conf, and there is no firewalld on this host":
// netfilter.docker-rules-missing names that culprit.
TEST(FirewallFirewalldReload, QuietWhenNoFirewalldRuns) {
    auto f = FactsBuilder().no_docker_rules().flushing_nftables_service().build();
    EXPECT_TRUE(quiet(checks::firewall_firewalld_reload().run(f)));
}

// "dockerd --iptables=false on a firewalld host": there were never rules to lose.
TEST(FirewallFirewalldReload, QuietWhenDockerdRunsWithoutIptables) {
    auto f = with_firewalld(FactsBuilder().no_docker_rules().daemon_option("iptables", false).build());
    EXPECT_TRUE(quiet(checks::firewall_firewalld_reload().run(f)));
}

// "The rules are gone and /run/firewalld.pid could not be read."
TEST(FirewallFirewalldReload, UndecidedWhenTheServicesCouldNotBeRead) {
    auto r = checks::firewall_firewalld_reload().run(FactsBuilder().no_docker_rules().build());
    EXPECT_TRUE(undecided_only(r, {"needs host.ruleset_services (ruleset-services: not collected)"}));
}

}  // namespace
}  // namespace dnd
