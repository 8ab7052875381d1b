// A client on this host connecting to 127.0.0.1:PORT when Docker runs without its userland
// proxy: nat OUTPUT DNATs the loopback connection to the container, the kernel routes it
// again (it leaves through the bridge only with route_localnet on there), and POSTROUTING
// must masquerade its 127/8 source, or the container drops it as a martian and never replies.
#include <algorithm>

#include <gtest/gtest.h>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "facts_builder.hpp"

namespace dnd {
namespace {

using testing::FactsBuilder;

// The one path of a --from 127.0.0.1 diagnosis of web (-p 8080:80) without the proxy.
PathResult loopback_path(const Facts& f) {
    auto paths = paths_for(f, recorded_lookups(*f.host));
    EXPECT_TRUE(paths.has_value());
    if (!paths || paths->size() != 1) {
        ADD_FAILURE() << "expected one path";
        return {};
    }
    return paths->front();
}

FactsBuilder without_proxy() { return std::move(FactsBuilder().daemon_option("userland-proxy", false).from("127.0.0.1")); }

TEST(LoopbackDnatPath, IsSentToTheContainerWhenDockerTurnedRouteLocalnetOn) {
    const PathResult p = loopback_path(without_proxy().build());
    EXPECT_EQ(p.verdict, PathVerdict::sent) << p.decided_by;
    EXPECT_EQ(p.out_interface, "docker0");
    EXPECT_EQ(p.final_packet.daddr, "172.17.0.2");
}

TEST(LoopbackDnatPath, IsAMartianSourceWithRouteLocalnetOffOnTheBridge) {
    const PathResult p =
        loopback_path(without_proxy().sysctl("net.ipv4.conf.docker0.route_localnet", "0").build());
    EXPECT_EQ(p.verdict, PathVerdict::dropped);
    EXPECT_EQ(p.decided_hook, "rerouting");
    EXPECT_EQ(p.decided_by,
              "packet from 127.0.0.1 leaving through docker0: martian source (net.ipv4.conf.docker0.route_localnet = 0)");
}

// "Someone flushed Docker's POSTROUTING": the DNAT is there, the hairpin masquerade is not.
TEST(LoopbackDnatPath, IsUnanswerableWithoutTheMasquerade) {
    Facts f = without_proxy().build();
    HostNetwork host = *f.host;
    for (nf::Table& t : host.nftables->tables)
        std::erase_if(t.chains, [](const nf::Chain& c) { return c.name == "POSTROUTING"; });
    f.host = host;
    const PathResult p = loopback_path(f);
    EXPECT_EQ(p.verdict, PathVerdict::dropped);
    EXPECT_EQ(p.decided_hook, "postrouting");
    EXPECT_EQ(p.decided_by, "packet from 127.0.0.1 leaves through docker0 without source NAT: the receiver drops a "
                            "loopback source (no masquerade for it in postrouting)");
}

// With the proxy, OUTPUT leaves the loopback alone: docker-proxy on the host answers.
TEST(LoopbackDnatPath, IsDeliveredToTheProxyWithIt) {
    const PathResult p = loopback_path(FactsBuilder().from("127.0.0.1").build());
    EXPECT_EQ(p.verdict, PathVerdict::delivered_local) << p.decided_by;
}

}  // namespace
}  // namespace dnd
