// port.not-published: the port has no host binding, so the host forwards nothing to it.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "The image says EXPOSE 80; I ran it without -p."
TEST(PortNotPublished, FiresWhenOnlyExposed) {
    auto r = checks::port_not_published().run(FactsBuilder().no_binding(80).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "port.not-published", tcp(80), Severity::critical,
                            "80/tcp of web is not published to the host"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = null",
                                        "Config.ExposedPorts has 80/tcp (EXPOSE documents a port; it publishes nothing)",
                                        "HostConfig.PortBindings = {} (no port of the container is published)"));
    EXPECT_THAT(f.fix, ElementsAre("recreate web with docker run -p 80:80 ... (bindings cannot be added to an existing container)",
                                   "compose: ports: [\"80:80\"]"));
}

// "8080:80 is published, but I ask about --port 9000."
TEST(PortNotPublished, FiresForTheAskedPortBesideOtherBindings) {
    auto r = checks::port_not_published().run(FactsBuilder().port(9000, Proto::udp).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, (PortKey{9000, Proto::udp}));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"9000/udp\"] = null"));
    EXPECT_THAT(f.fix, Contains("compose: ports: [\"9000:9000/udp\"]"));
}

// "web runs with --network container:db": its ports are published on db.
TEST(PortNotPublished, FiresWithTheSharingContainersFix) {
    auto r = checks::port_not_published().run(FactsBuilder().network_mode("container:db").no_binding(80).build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.fix, ElementsAre("web shares the network of db: publish the port on that container"));
}

// "-p 8080:80": the healthy default.
TEST(PortNotPublished, QuietWhenPublished) {
    EXPECT_TRUE(quiet(checks::port_not_published().run(FactsBuilder().build())));
}

// "80 is published; the image also EXPOSEs 443, which I keep internal."
TEST(PortNotPublished, QuietForAnExposedPortBesidePublishedOnes) {
    EXPECT_TRUE(quiet(checks::port_not_published().run(FactsBuilder().exposed(443).build())));
}

// "It is only on an --internal network": network.internal explains that instead.
TEST(PortNotPublished, QuietOnInternalNetworks) {
    auto f = FactsBuilder().no_binding(80).network("backend").internal("backend").build();
    EXPECT_TRUE(quiet(checks::port_not_published().run(f)));
}

// "--network host": nothing is ever published there, its own check explains it.
TEST(PortNotPublished, QuietInHostMode) {
    EXPECT_TRUE(quiet(checks::port_not_published().run(FactsBuilder().network_mode("host").no_binding(80).build())));
}

// "The engine could not be asked."
TEST(PortNotPublished, UndecidedWithoutTheContainer) {
    auto r = checks::port_not_published().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
