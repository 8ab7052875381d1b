// netfilter.dnat-missing: a published port with neither a DNAT rule nor a docker-proxy
// listener, where the engine is not known to run with iptables on: nothing takes the packet
// to the container.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// dockerd's configuration could not be read, its rules are nowhere, and it runs without the
// userland proxy.
FactsBuilder without_dnat_or_proxy() {
    return FactsBuilder().unavailable(Fact::daemon).no_docker_rules().daemon_option("userland-proxy", false);
}

// "No DOCKER chain in nft list ruleset, nothing listens on 8080, and I cannot read dockerd's config."
TEST(NetfilterDnatMissing, FiresWhenNothingTakesThePublishedPort) {
    auto r = checks::netfilter_dnat_missing().run(without_dnat_or_proxy().build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "netfilter.dnat-missing", tcp(80), Severity::critical,
                            "no DNAT rule and no docker-proxy for 0.0.0.0:8080 -> web port 80/tcp"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                                        "no rule with tcp dport 8080 and a dnat/DNAT action in nftables or iptables-legacy",
                                        "nftables: no DOCKER nat chain, no docker-bridges table",
                                        "iptables-legacy: no DOCKER nat chain, no docker-bridges table",
                                        "nothing listens on tcp port 8080 on the host (no docker-proxy)"));
    EXPECT_THAT(f.fix, ElementsAre("restart dockerd: it re-creates its chains and rules (systemctl restart docker)",
                                   "find what removed them: `flush ruleset` in /etc/nftables.conf, a firewall reload or "
                                   "iptables-restore without --noflush"));
}

// "Without the DNAT, 8080 reaches an nginx on the host instead of the container."
TEST(NetfilterDnatMissing, FiresWithTheHostsOwnListenerAsEvidence) {
    auto r = checks::netfilter_dnat_missing().run(without_dnat_or_proxy().host_listener("0.0.0.0", 8080, "nginx").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "no DNAT rule and no docker-proxy for 0.0.0.0:8080 -> web port 80/tcp");
    EXPECT_THAT(f.evidence, Contains("on the host instead: tcp 0.0.0.0:8080 LISTEN nginx(pid 4242)"));
    EXPECT_THAT(f.evidence, Not(Contains("nothing listens on tcp port 8080 on the host (no docker-proxy)")));
}

// "Docker's DNAT for 8080 is in place": the healthy default.
TEST(NetfilterDnatMissing, QuietWithDockersDnat) {
    EXPECT_TRUE(quiet(checks::netfilter_dnat_missing().run(FactsBuilder().build())));
}

// "No DNAT rule, but docker-proxy holds 8080 and takes the connection to the container."
TEST(NetfilterDnatMissing, QuietWhenDockerProxyHoldsThePort) {
    auto f = FactsBuilder().unavailable(Fact::daemon).no_docker_rules().build();
    EXPECT_TRUE(quiet(checks::netfilter_dnat_missing().run(f)));
}

// "dockerd --iptables=false": no DNAT is expected; engine.iptables-disabled says so.
TEST(NetfilterDnatMissing, QuietWhenDockerdRunsWithoutIptables) {
    auto f = FactsBuilder().daemon_option("iptables", false).daemon_option("userland-proxy", false).build();
    EXPECT_TRUE(quiet(checks::netfilter_dnat_missing().run(f)));
}

// "dockerd runs with iptables on and its rules were flushed": netfilter.docker-rules-missing names that.
TEST(NetfilterDnatMissing, QuietWhenDockersRulesWereFlushed) {
    auto f = FactsBuilder().no_docker_rules().daemon_option("userland-proxy", false).build();
    EXPECT_TRUE(quiet(checks::netfilter_dnat_missing().run(f)));
}

// "Neither dockerd's config nor nftables could be read (no root)."
TEST(NetfilterDnatMissing, UndecidedWithoutTheRuleset) {
    auto r = checks::netfilter_dnat_missing().run(without_dnat_or_proxy().unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs host.nftables (nftables: permission denied)"}));
}

}  // namespace
}  // namespace dnd
