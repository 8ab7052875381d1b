// peer.default-bridge-no-dns: both containers are on Docker's default bridge, where the engine
// runs no DNS for container names.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker run web; docker run db: web cannot resolve db."
TEST(PeerDefaultBridgeNoDns, FiresWhenBothAreOnlyOnTheDefaultBridge) {
    auto r = checks::peer_default_bridge_no_dns().run(FactsBuilder().to("db:5432").network("bridge").target_network("bridge").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.default-bridge-no-dns", tcp(5432), Severity::critical,
                            "web and db are only on the default bridge: the name db does not resolve there"));
    EXPECT_THAT(f.evidence,
                ElementsAre("NetworkSettings.Networks of web = [bridge (172.17.0.2)]",
                            "NetworkSettings.Networks of db = [bridge (172.17.0.3)]",
                            "resolv.conf of web: nameserver 192.0.2.1 (no embedded DNS at 127.0.0.11)",
                            "nameserver 192.0.2.1 (the source's resolv.conf) answered NXDOMAIN with no address for db",
                            "probe inside web to 172.17.0.3:5432/tcp (address from target container address (the name did "
                            "not resolve)): open in 0.2 ms (connected)"));
    EXPECT_THAT(f.fix, ElementsAre("docker network create appnet; docker network connect appnet web; docker network connect appnet db",
                                   "run both with --network appnet (compose does this by default)"));
}

// "Same, and the host's resolver does not even answer."
TEST(PeerDefaultBridgeNoDns, FiresWhenTheResolverDidNotAnswer) {
    auto r = checks::peer_default_bridge_no_dns().run(FactsBuilder()
                                                    .to("db:5432")
                                                    .network("bridge")
                                                    .target_network("bridge")
                                                    .unavailable(Fact::peer_dns, "no answer from 192.0.2.1 within 1000 ms")
                                                    .build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("DNS query for db inside the source: no answer from 192.0.2.1 within 1000 ms"));
}

// "Both on appnet, a user-defined network": the healthy pair.
TEST(PeerDefaultBridgeNoDns, QuietOnAUserDefinedNetwork) {
    EXPECT_TRUE(quiet(checks::peer_default_bridge_no_dns().run(FactsBuilder().to("db:5432").build())));
}

// "Both on the default bridge, and --link db put db in web's /etc/hosts."
TEST(PeerDefaultBridgeNoDns, QuietWhenTheHostsFileHasTheName) {
    auto f = FactsBuilder().to("db:5432").network("bridge").target_network("bridge").hosts_entry("172.17.0.3", "db").build();
    EXPECT_TRUE(quiet(checks::peer_default_bridge_no_dns().run(f)));
}

// "web on the default bridge, db on appnet": peer.different-networks explains that.
TEST(PeerDefaultBridgeNoDns, QuietWhenTheyShareNoNetwork) {
    EXPECT_TRUE(quiet(checks::peer_default_bridge_no_dns().run(FactsBuilder().to("db:5432").network("bridge").build())));
}

// "The source container itself could not be read."
TEST(PeerDefaultBridgeNoDns, UndecidedWithoutTheSource) {
    auto r = checks::peer_default_bridge_no_dns().run(FactsBuilder().to("db:5432").unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the source container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
