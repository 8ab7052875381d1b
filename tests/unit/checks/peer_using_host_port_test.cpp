// peer.using-host-port: --to uses the target's published host port; between containers the
// container port is what listens.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "db is published -p 15432:5432; web connects to db:15432."
TEST(PeerUsingHostPort, FiresForThePublishedHostPort) {
    auto r = checks::peer_using_host_port().run(FactsBuilder().to("db:15432").target_publish(5432, 15432).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.using-host-port", tcp(15432), Severity::critical,
                            "15432 is the host port published for 5432/tcp of db; from another container use db:5432"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"5432/tcp\"] = 0.0.0.0:15432",
                                        "inside db: tcp 0.0.0.0:5432 LISTEN postgres(pid 3101)",
                                        "probe inside web to 172.18.0.3:15432/tcp (address from dns): refused in 0.2 ms "
                                        "(connect: Connection refused)"));
    EXPECT_THAT(f.fix, ElementsAre("connect to db:5432 (the container port)",
                                   "the published port is for clients outside Docker; containers talk over the shared network"));
}

// "Same, while db is stopped: what was asked for still says 15432:5432."
TEST(PeerUsingHostPort, FiresFromTheAskedBindingsOfAStoppedTarget) {
    auto r = checks::peer_using_host_port().run(
        FactsBuilder().to("db:15432").target_publish(5432, 15432).target_state("exited").build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("HostConfig.PortBindings[\"5432/tcp\"] = 0.0.0.0:15432"));
}

// "web connects to db:5432, the container port": the healthy pair.
TEST(PeerUsingHostPort, QuietForTheContainerPort) {
    EXPECT_TRUE(quiet(checks::peer_using_host_port().run(FactsBuilder().to("db:5432").target_publish(5432, 15432).build())));
}

// "db is published -p 5432:5432": the host port is a container port as well.
TEST(PeerUsingHostPort, QuietWhenHostAndContainerPortAreTheSame) {
    EXPECT_TRUE(quiet(checks::peer_using_host_port().run(FactsBuilder().to("db:5432").target_publish(5432, 5432).build())));
}

// "The source container itself could not be read."
TEST(PeerUsingHostPort, UndecidedWithoutTheSource) {
    auto r = checks::peer_using_host_port().run(
        FactsBuilder().to("db:15432").target_publish(5432, 15432).unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the source container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
