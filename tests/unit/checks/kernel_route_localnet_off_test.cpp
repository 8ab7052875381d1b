// kernel.route-localnet-off: without the userland proxy, a connection to 127.0.0.1:PORT is
// DNAT'd to the container, and the kernel refuses to route a 127/8 source off the loopback
// unless route_localnet is on for the bridge.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "userland-proxy=false, curl 127.0.0.1:8080 hangs; route_localnet on docker0 is 0."
TEST(KernelRouteLocalnetOff, FiresForALoopbackClientWithoutTheProxy) {
    auto r = checks::kernel_route_localnet_off().run(FactsBuilder()
                                                   .daemon_option("userland-proxy", false)
                                                   .sysctl("net.ipv4.conf.docker0.route_localnet", "0")
                                                   .from("127.0.0.1")
                                                   .build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "kernel.route-localnet-off", tcp(80), Severity::critical,
                            "web is published without the userland proxy and route_localnet is off: 127.0.0.1 cannot reach it"));
    EXPECT_THAT(f.evidence, ElementsAre("dockerd command line: --userland-proxy=false", "net.ipv4.conf.docker0.route_localnet = 0",
                                        "net.ipv4.conf.all.route_localnet = 0", "client: --from 127.0.0.1 (loopback)"));
    EXPECT_THAT(f.fix, Contains("or sysctl -w net.ipv4.conf.docker0.route_localnet=1 (Docker sets it when it can)"));
}

// "The same on a compose network: its bridge is br-<id>."
TEST(KernelRouteLocalnetOff, FiresNamingTheBridgeOfAUserNetwork) {
    auto r = checks::kernel_route_localnet_off().run(FactsBuilder()
                                                   .network("appnet")
                                                   .daemon_option("userland-proxy", false)
                                                   .sysctl("net.ipv4.conf.br-6170706e6574.route_localnet", "0")
                                                   .from("127.0.0.1")
                                                   .build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("net.ipv4.conf.br-6170706e6574.route_localnet = 0"));
}

// "userland-proxy=false and curl 127.0.0.1:8080: dockerd turned route_localnet on for docker0."
TEST(KernelRouteLocalnetOff, QuietWhenDockerTurnedItOn) {
    auto f = FactsBuilder().daemon_option("userland-proxy", false).from("127.0.0.1").build();
    EXPECT_TRUE(quiet(checks::kernel_route_localnet_off().run(f)));
}

// "curl 127.0.0.1:8080 with the userland proxy": docker-proxy answers on the loopback.
TEST(KernelRouteLocalnetOff, QuietWithTheProxy) {
    EXPECT_TRUE(quiet(checks::kernel_route_localnet_off().run(FactsBuilder().from("127.0.0.1").build())));
}

// "No proxy, route_localnet 0, but the client is on another host."
TEST(KernelRouteLocalnetOff, QuietForAClientElsewhere) {
    auto f = FactsBuilder().daemon_option("userland-proxy", false).sysctl("net.ipv4.conf.docker0.route_localnet", "0").build();
    EXPECT_TRUE(quiet(checks::kernel_route_localnet_off().run(f)));
}

// "curl 127.0.0.1:8080, and dockerd's command line could not be read."
TEST(KernelRouteLocalnetOff, UndecidedWithoutTheDaemonConfig) {
    auto r = checks::kernel_route_localnet_off().run(FactsBuilder().unavailable(Fact::daemon).from("127.0.0.1").build());
    EXPECT_TRUE(undecided_only(r, {"needs host.daemon (daemon-config: permission denied)"}));
}

// "No proxy, curl 127.0.0.1:8080, and the bridge's route_localnet was not among the sysctls read."
TEST(KernelRouteLocalnetOff, UndecidedWithoutTheBridgesSysctl) {
    auto r = checks::kernel_route_localnet_off().run(FactsBuilder()
                                                   .daemon_option("userland-proxy", false)
                                                   .no_sysctl("net.ipv4.conf.docker0.route_localnet")
                                                   .from("127.0.0.1")
                                                   .build());
    EXPECT_TRUE(undecided_only(r, {"needs net.ipv4.conf.docker0.route_localnet (not among the sysctls read)"}));
}

}  // namespace
}  // namespace dnd
