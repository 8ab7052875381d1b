// kernel.route-localnet-off: without the userland proxy, a connection to 127.0.0.1:PORT is
// DNAT'd to the container, and the kernel refuses to route a 127/8 source off the loopback
// unless route_localnet is on for the bridge.
#include <algorithm>

#include "check_case.hpp"
#include "docknetdoctor/path/evaluate.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "userland-proxy=false, curl 127.0.0.1:8080 hangs; route_localnet on docker0 is 0." The nat
// OUTPUT rule DNATs the loopback connection to the container, and the route lookup after it
// refuses the 127/8 source on docker0.
TEST(KernelRouteLocalnetOff, FiresForALoopbackClientWithoutTheProxy) {
    auto r = checks::kernel_route_localnet_off().run(FactsBuilder()
                                                   .daemon_option("userland-proxy", false)
                                                   .sysctl("net.ipv4.conf.docker0.route_localnet", "0")
                                                   .from("127.0.0.1")
                                                   .build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "kernel.route-localnet-off", tcp(80), Severity::critical,
                            "127.0.0.1 cannot reach web: without the userland proxy the connection is DNAT'd to it, "
                            "and route_localnet is off on docker0"));
    EXPECT_THAT(f.evidence, ElementsAre("decided by: packet from 127.0.0.1 leaving through docker0: martian source "
                                        "(net.ipv4.conf.docker0.route_localnet = 0)",
                                        "packet: tcp 127.0.0.1:40000 -> 127.0.0.1:8080 (locally generated), after DNAT "
                                        "-> 172.17.0.2:80",
                                        "dockerd command line: --userland-proxy=false",
                                        "net.ipv4.conf.all.route_localnet = 0"));
    ASSERT_FALSE(f.fix.empty());
    EXPECT_EQ(f.fix.front(), "let 127/8 sources out through docker0 again (Docker sets it when it starts without the "
                             "proxy); run: sysctl -w net.ipv4.conf.docker0.route_localnet=1");
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
    ASSERT_FALSE(f.fix.empty());
    EXPECT_THAT(f.fix.front(), HasSubstr("run: sysctl -w net.ipv4.conf.br-6170706e6574.route_localnet=1"));
}

// "Someone deleted Docker's POSTROUTING rules": the DNAT is there, the hairpin masquerade not.
TEST(KernelRouteLocalnetOff, FiresWhenTheLoopbackSourceIsNotMasqueraded) {
    Facts f = FactsBuilder().daemon_option("userland-proxy", false).from("127.0.0.1").build();
    HostNetwork host = *f.host;
    for (nf::Table& t : host.nftables->tables)
        std::erase_if(t.chains, [](const nf::Chain& c) { return c.name == "POSTROUTING"; });
    f.host = host;
    f.paths = paths_for(f, recorded_lookups(*f.host));
    Finding finding = the_finding(checks::kernel_route_localnet_off().run(f));
    EXPECT_EQ(finding.title, "127.0.0.1 cannot reach web: without the userland proxy the connection is DNAT'd to it, "
                             "and its 127/8 source is not masqueraded into docker0");
    ASSERT_FALSE(finding.fix.empty());
    EXPECT_EQ(finding.fix.front(), "restart the engine: it writes its masquerade for local sources into docker0 again "
                                   "(-o docker0 -m addrtype --src-type LOCAL -j MASQUERADE)");
}

// "route_localnet is on for all interfaces": the kernel ORs conf/all with the bridge's own.
TEST(KernelRouteLocalnetOff, QuietWhenItIsOnForAll) {
    auto f = FactsBuilder()
                 .daemon_option("userland-proxy", false)
                 .sysctl("net.ipv4.conf.docker0.route_localnet", "0")
                 .sysctl("net.ipv4.conf.all.route_localnet", "1")
                 .from("127.0.0.1")
                 .build();
    EXPECT_TRUE(quiet(checks::kernel_route_localnet_off().run(f)));
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

// "curl 127.0.0.1:8080, and the rules could not be read": whether it is DNAT'd is unknown.
TEST(KernelRouteLocalnetOff, UndecidedWithoutTheRuleset) {
    auto r = checks::kernel_route_localnet_off().run(
        FactsBuilder().daemon_option("userland-proxy", false).unavailable(Fact::nftables).from("127.0.0.1").build());
    ASSERT_EQ(r.undecided.size(), 1u);
    EXPECT_THAT(r.undecided.front(), ::testing::StartsWith("needs a decided path for tcp 127.0.0.1:40000 -> 127.0.0.1:8080"));
    EXPECT_TRUE(r.findings.empty());
}

// "No proxy, curl 127.0.0.1:8080, and the bridge's route_localnet was not among the sysctls read."
TEST(KernelRouteLocalnetOff, UndecidedWithoutTheBridgesSysctl) {
    auto r = checks::kernel_route_localnet_off().run(FactsBuilder()
                                                   .daemon_option("userland-proxy", false)
                                                   .no_sysctl("net.ipv4.conf.docker0.route_localnet")
                                                   .from("127.0.0.1")
                                                   .build());
    EXPECT_TRUE(undecided_only(r, {"needs a decided path for tcp 127.0.0.1:40000 -> 127.0.0.1:8080 (locally "
                                   "generated): unknown: route_localnet of docker0 was not read (otherwise sent by no "
                                   "rule or policy refused it)"}));
}

}  // namespace
}  // namespace dnd
