// peer.icc-disabled: the only networks source and target share forbid inter-container
// traffic (enable_icc=false).
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

constexpr const char* kIcc = "com.docker.network.bridge.enable_icc";

// "appnet was created with -o com.docker.network.bridge.enable_icc=false; web cannot reach db:5432."
TEST(PeerIccDisabled, FiresOnTheOnlySharedNetwork) {
    auto r = checks::peer_icc_disabled().run(FactsBuilder().to("db:5432").network_option("appnet", kIcc, "false").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.icc-disabled", tcp(5432), Severity::critical,
                            "inter-container traffic is disabled on appnet, the only network web shares with db"));
    EXPECT_THAT(f.evidence,
                ElementsAre("network \"appnet\": Options[\"com.docker.network.bridge.enable_icc\"] = \"false\"",
                            "enforced by a DROP of forwarded traffic from br-6170706e6574 to br-6170706e6574 (iptables -A "
                            "FORWARD -i br-6170706e6574 -o br-6170706e6574 -j DROP); the ruleset itself was not read for --to",
                            "probe inside web to 172.18.0.3:5432/tcp (address from dns): timeout in 1000.0 ms (no answer "
                            "within 1000 ms)"));
    EXPECT_THAT(f.fix, ElementsAre("put both on a network with icc enabled: docker network create appnet; docker network "
                                   "connect appnet web; docker network connect appnet db",
                                   "or recreate appnet without -o com.docker.network.bridge.enable_icc=false"));
}

// "dockerd --icc=false, and both containers are on the default bridge."
TEST(PeerIccDisabled, FiresOnTheDefaultBridge) {
    auto r = checks::peer_icc_disabled().run(
        FactsBuilder().to("db:5432").network("bridge").target_network("bridge").network_option("bridge", kIcc, "false").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "inter-container traffic is disabled on bridge, the only network web shares with db");
    EXPECT_THAT(f.evidence, Contains(HasSubstr("from docker0 to docker0")));
}

// "Both on appnet, icc on": the healthy pair.
TEST(PeerIccDisabled, QuietWithIccOn) {
    EXPECT_TRUE(quiet(checks::peer_icc_disabled().run(FactsBuilder().to("db:5432").build())));
}

// "icc is off on the default bridge, but web and db meet on appnet."
TEST(PeerIccDisabled, QuietWhenTheyMeetOnAnotherNetwork) {
    EXPECT_TRUE(quiet(checks::peer_icc_disabled().run(FactsBuilder().to("db:5432").network_option("bridge", kIcc, "false").build())));
}

// "The engine's network list could not be read."
TEST(PeerIccDisabled, UndecidedWithoutTheNetworks) {
    auto r = checks::peer_icc_disabled().run(FactsBuilder().to("db:5432").unavailable(Fact::networks).build());
    EXPECT_TRUE(undecided_only(r, {"needs the source's networks (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
