// app.loopback-only: the app listens on the container's own loopback, which forwarded traffic
// never reaches.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "-p 8080:80, but my app binds 127.0.0.1:80 inside the container."
TEST(AppLoopbackOnly, FiresWhenTheAppBindsIpv4Loopback) {
    auto r = checks::app_loopback_only().run(FactsBuilder().listener("127.0.0.1", 80).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "app.loopback-only", tcp(80), Severity::critical,
                            "the app in web listens on 127.0.0.1:80 only, unreachable through the bridge"));
    EXPECT_THAT(f.evidence, ElementsAre("tcp 127.0.0.1:80 LISTEN httpd(pid 2927)"));
    EXPECT_THAT(f.fix, Contains("make the app bind 0.0.0.0 (or ::) instead of 127.0.0.1: its listen/host setting, e.g. --host 0.0.0.0"));
}

// "It listens on localhost, both ::1 and 127.0.0.1."
TEST(AppLoopbackOnly, FiresWithEveryLoopbackSocketAsEvidence) {
    auto r = checks::app_loopback_only().run(FactsBuilder().listener("::1", 80).listener("127.0.0.1", 80).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.id, "app.loopback-only");
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_EQ(f.title, "the app in web listens on [::1]:80 only, unreachable through the bridge");
    EXPECT_THAT(f.evidence, ElementsAre("tcp6 [::1]:80 LISTEN httpd(pid 2927)", "tcp 127.0.0.1:80 LISTEN httpd(pid 2927)"));
}

// "--network host, the app is on 127.0.0.1:80, and I connect from this host": works here, info only.
TEST(AppLoopbackOnly, HostNetworkFromThisHostIsOnlyInformation) {
    auto r = checks::app_loopback_only().run(
        FactsBuilder().network_mode("host").port(80).from("127.0.0.1").listener("127.0.0.1", 80).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.id, "app.loopback-only");
    EXPECT_EQ(f.severity, Severity::info);
    EXPECT_EQ(f.title, "the app in web listens on 127.0.0.1:80 only, reachable from this host only, not from other hosts");
}

// "httpd listens on 0.0.0.0:80": the healthy default.
TEST(AppLoopbackOnly, QuietWhenTheAppListensOnEveryAddress) {
    EXPECT_TRUE(quiet(checks::app_loopback_only().run(FactsBuilder().build())));
}

// "It binds 127.0.0.1:80 for an admin page and 172.17.0.2:80 for the rest."
TEST(AppLoopbackOnly, QuietWhenAnotherSocketOnThePortIsReachable) {
    auto f = FactsBuilder().listener("127.0.0.1", 80).listener("172.17.0.2", 80).build();
    EXPECT_TRUE(quiet(checks::app_loopback_only().run(f)));
}

// "The container exited": nothing to judge here, container.not-running says why.
TEST(AppLoopbackOnly, QuietWhenTheContainerIsNotRunning) {
    EXPECT_TRUE(quiet(checks::app_loopback_only().run(FactsBuilder().state("exited").exit_code(1).build())));
}

// "Run without root": the container's sockets could not be read.
TEST(AppLoopbackOnly, UndecidedWithoutTheContainersSockets) {
    auto r = checks::app_loopback_only().run(FactsBuilder().unavailable(Fact::container_listeners).build());
    EXPECT_TRUE(undecided_only(r, {"needs container_listeners (procfs: permission denied)"}));
}

}  // namespace
}  // namespace dnd
