// port.host-bind-loopback: published on a loopback host address only, so clients on other
// hosts cannot reach it (often on purpose).
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "-p 127.0.0.1:8080:80, and my colleague cannot reach it."
TEST(PortHostBindLoopback, FiresForALoopbackBinding) {
    auto r = checks::port_host_bind_loopback().run(FactsBuilder().publish(80, 8080, "127.0.0.1").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "port.host-bind-loopback", tcp(80), Severity::critical,
                            "80/tcp of web is published on 127.0.0.1:8080 only: clients on other hosts cannot reach it"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = 127.0.0.1:8080"));
    EXPECT_THAT(f.fix, ElementsAre("if clients on other hosts should connect: recreate web with docker run -p 0.0.0.0:8080:80 ..."));
}

// "-p 8080:80, but dockerd runs with --ip 127.0.0.1."
TEST(PortHostBindLoopback, FiresNamingTheDaemonsDefaultAddress) {
    auto r = checks::port_host_bind_loopback().run(FactsBuilder().default_bind_ip("127.0.0.1").build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence,
                ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = 127.0.0.1:8080",
                            "HostConfig.PortBindings[\"80/tcp\"] gives no HostIp: the loopback address is the daemon's default \"ip\" setting"));
}

// "-p 127.0.0.1:8080:80, and I test from this very host": it works here, info only.
TEST(PortHostBindLoopback, FromThisHostIsOnlyInformation) {
    auto r = checks::port_host_bind_loopback().run(FactsBuilder().publish(80, 8080, "127.0.0.1").from("127.0.0.1").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.severity, Severity::info);
    EXPECT_EQ(f.title, "80/tcp of web is published on 127.0.0.1:8080 only: reachable from this host, not from others");
    EXPECT_THAT(f.fix, Contains("from this host, connect to 127.0.0.1:8080"));
}

// "-p 8080:80": the healthy default.
TEST(PortHostBindLoopback, QuietOnEveryAddress) {
    EXPECT_TRUE(quiet(checks::port_host_bind_loopback().run(FactsBuilder().build())));
}

// "-p 192.0.2.10:8080:80: the host's own LAN address."
TEST(PortHostBindLoopback, QuietOnASpecificNonLoopbackAddress) {
    EXPECT_TRUE(quiet(checks::port_host_bind_loopback().run(FactsBuilder().publish(80, 8080, "192.0.2.10").build())));
}

// "--network host": nothing is published, its own check explains that.
TEST(PortHostBindLoopback, QuietInHostMode) {
    EXPECT_TRUE(quiet(checks::port_host_bind_loopback().run(FactsBuilder().network_mode("host").build())));
}

// "The engine could not be asked."
TEST(PortHostBindLoopback, UndecidedWithoutTheContainer) {
    auto r = checks::port_host_bind_loopback().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
