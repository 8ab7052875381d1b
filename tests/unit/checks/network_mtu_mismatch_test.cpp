// network.mtu-mismatch: a container network's MTU above the link its packets leave by (a
// WireGuard default route at 1420, a link at 1400), or an overlay's MTU plus VXLAN's 50
// bytes above the link to the other nodes.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using ::testing::EndsWith;

void set_mtu(Facts& f, const std::string& link, int mtu) {
    HostNetwork host = *f.host;
    for (Link& l : *host.links)
        if (l.name == link) l.mtu = mtu;
    f.host = std::move(host);
}

// The default route leaves by a VPN (wg0, MTU 1420); docker0 keeps Docker's 1500.
Facts behind_a_vpn() {
    Facts f = FactsBuilder().build();
    HostNetwork host = *f.host;
    host.links->push_back(Link{9, "wg0", "wireguard", 1420, true, ""});
    for (Route& r : *host.routes)
        if (r.destination == "default") r.oifname = "wg0";
    f.host = std::move(host);
    return f;
}

TEST(NetworkMtuMismatch, FiresWhenTheDefaultRouteLeavesByASmallerLink) {
    Finding f = the_finding(checks::network_mtu_mismatch().run(behind_a_vpn()));
    EXPECT_TRUE(headline_is(f, "network.mtu-mismatch", std::nullopt, Severity::warning,
                            "network bridge's MTU 1500 is above the 1420 of wg0, the way to clients: full-size packets "
                            "from web stall there unless ICMP \"fragmentation needed\" gets back"));
    EXPECT_THAT(f.evidence, ElementsAre("network bridge: MTU 1500 (bridge docker0)",
                                        "wg0: MTU 1420, the way out by the default route"));
    EXPECT_THAT(f.fix.front(), HasSubstr("\"mtu\": 1420"));
}

// No default route: the clients sit on the networks the host routes to directly.
TEST(NetworkMtuMismatch, FiresOnAHostWithoutADefaultRouteForItsDirectLink) {
    Facts f = FactsBuilder().network("appnet").build();
    HostNetwork host = *f.host;
    std::erase_if(*host.routes, [](const Route& r) { return r.destination == "default"; });
    f.host = std::move(host);
    set_mtu(f, "eth0", 1400);
    Finding finding = the_finding(checks::network_mtu_mismatch().run(f));
    EXPECT_THAT(finding.title, HasSubstr("network appnet's MTU 1500 is above the 1400 of eth0"));
    EXPECT_THAT(finding.evidence, Contains("eth0: MTU 1400, the way out by route 192.0.2.0/24"));
    EXPECT_THAT(finding.fix.front(), HasSubstr("docker network create -o com.docker.network.driver.mtu=1400"));
}

TEST(NetworkMtuMismatch, QuietWhenTheBridgeFitsTheWayOut) {
    EXPECT_TRUE(quiet(checks::network_mtu_mismatch().run(FactsBuilder().build())));
    Facts fitted = behind_a_vpn();
    set_mtu(fitted, "docker0", 1420);  // daemon.json "mtu": 1420
    EXPECT_TRUE(quiet(checks::network_mtu_mismatch().run(fitted)));
}

// Host mode has no bridge of its own: the host's own MTU is the application's.
TEST(NetworkMtuMismatch, QuietInHostMode) {
    Facts f = behind_a_vpn();
    f.container->network_mode = "host";
    EXPECT_TRUE(quiet(checks::network_mtu_mismatch().run(f)));
}

// An overlay at Docker's 1450 needs 1500 on the way to the other node; 1450 is too little.
Facts on_overlay(int link_mtu, std::optional<std::string> mtu_option = std::nullopt) {
    FactsBuilder b;
    b.network("it-ov").swarm_member(true, {SwarmNode{"n2", "node2", "192.0.2.7", false, "ready"}});
    if (mtu_option) b.network_option("it-ov", "com.docker.network.driver.mtu", *mtu_option);
    Facts f = b.build();
    for (NetworkInfo& n : *f.networks)
        if (n.name == "it-ov") n.driver = "overlay";
    set_mtu(f, "eth0", link_mtu);
    return f;
}

TEST(NetworkMtuMismatch, FiresWhenAnOverlayWithVxlanDoesNotFitTheLinkToTheOtherNode) {
    Finding f = the_finding(checks::network_mtu_mismatch().run(on_overlay(1450)));
    EXPECT_THAT(f.title, HasSubstr("overlay it-ov's MTU 1450 plus 50 bytes of VXLAN is above the 1450 of eth0, the way to "
                                   "the other nodes"));
    EXPECT_THAT(f.evidence, ElementsAre("network it-ov: MTU 1450 (Docker's default for an overlay (1450: 1500 less "
                                        "VXLAN's 50))",
                                        "eth0: MTU 1450, the way out by the route to node 192.0.2.7"));
    EXPECT_THAT(f.fix.front(), HasSubstr("com.docker.network.driver.mtu=1400"));
}

TEST(NetworkMtuMismatch, QuietForAnOverlayThatFits) {
    EXPECT_TRUE(quiet(checks::network_mtu_mismatch().run(on_overlay(1500))));
    EXPECT_TRUE(quiet(checks::network_mtu_mismatch().run(on_overlay(1450, "1400"))));
}

TEST(NetworkMtuMismatch, UndecidedWithoutTheLinks) {
    auto r = checks::network_mtu_mismatch().run(FactsBuilder().unavailable(Fact::links).build());
    EXPECT_TRUE(r.findings.empty());
    EXPECT_THAT(r.undecided, ElementsAre(HasSubstr("the routes and links")));
}

}  // namespace
}  // namespace dnd
