// peer.different-networks: source and target share no network, so no address of one is
// reachable from the other.
#include "check_case.hpp"
#include "docknetdoctor/model/peer.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "web is on bridge and appnet, db only on other: web cannot reach db:5432."
TEST(PeerDifferentNetworks, FiresWhenTheyShareNoNetwork) {
    auto r = checks::peer_different_networks().run(FactsBuilder().to("db:5432").target_network("other").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.different-networks", tcp(5432), Severity::critical,
                            "web and db share no network"));
    EXPECT_THAT(f.evidence,
                ElementsAre("NetworkSettings.Networks of web = [bridge (172.17.0.2), appnet (172.18.0.2)]",
                            "NetworkSettings.Networks of db = [other (172.19.0.3)]",
                            "nameserver 127.0.0.11 (the source's resolv.conf) answered NXDOMAIN with no address for db",
                            "probe inside web to 172.19.0.3:5432/tcp (address from target container address on other (not a "
                            "network of the source)): timeout in 1000.0 ms (no answer within 1000 ms)"));
    EXPECT_THAT(f.fix, ElementsAre("docker network connect other web",
                                   "or run both on one user-defined network: docker network create NET; docker run --network NET ..."));
}

// "web is in compose project shop, db in project billing."
TEST(PeerDifferentNetworks, FiresNamingTheComposeProjects) {
    auto r = checks::peer_different_networks().run(FactsBuilder()
                                                 .to("db:5432")
                                                 .target_network("billing_default")
                                                 .label(kComposeProjectLabel, "shop")
                                                 .target_label(kComposeProjectLabel, "billing")
                                                 .build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("compose projects differ: web is in project shop, db in project billing; each project "
                                     "gets its own default network"));
    EXPECT_THAT(f.fix, Contains(HasSubstr("networks: shared: external: true")));
}

// "--to 172.19.0.3:5432, db's address on a network web is not on."
TEST(PeerDifferentNetworks, FiresForATargetAddressWithoutTheDnsLine) {
    auto r = checks::peer_different_networks().run(FactsBuilder().to("172.19.0.3:5432").target_network("other").build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Not(Contains(HasSubstr("nameserver"))));
    EXPECT_THAT(f.evidence, Contains(HasSubstr("probe inside web to 172.19.0.3:5432/tcp (address from literal address)")));
}

// "Both on appnet": the healthy pair.
TEST(PeerDifferentNetworks, QuietOnASharedNetwork) {
    EXPECT_TRUE(quiet(checks::peer_different_networks().run(FactsBuilder().to("db:5432").build())));
}

// "web runs with --network host": it reaches bridges through the host, not a shared network.
TEST(PeerDifferentNetworks, QuietWhenTheSourceUsesTheHostsNetwork) {
    auto f = FactsBuilder().network_mode("host").to("db:5432").target_network("other").build();
    EXPECT_TRUE(quiet(checks::peer_different_networks().run(f)));
}

// "The source container itself could not be read."
TEST(PeerDifferentNetworks, UndecidedWithoutTheSource) {
    auto r = checks::peer_different_networks().run(FactsBuilder().to("db:5432").unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the source container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
