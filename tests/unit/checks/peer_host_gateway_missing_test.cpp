// peer.host-gateway-missing: host.docker.internal exists on Linux only when the container was
// created with --add-host host.docker.internal:host-gateway.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "web connects to host.docker.internal:8080 as on Docker Desktop."
TEST(PeerHostGatewayMissing, FiresWithoutTheAddHost) {
    auto r = checks::peer_host_gateway_missing().run(FactsBuilder().to("host.docker.internal:8080").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.host-gateway-missing", tcp(8080), Severity::critical,
                            "host.docker.internal is not defined inside web (Linux needs --add-host host.docker.internal:host-gateway)"));
    EXPECT_THAT(f.evidence,
                ElementsAre("HostConfig.ExtraHosts of web = []", "/etc/hosts of web has no line for host.docker.internal",
                            "nameserver 127.0.0.11 (the source's resolv.conf) answered NXDOMAIN with no address for host.docker.internal",
                            "probe from the source: not run: no address for host.docker.internal inside the source"));
    EXPECT_THAT(f.fix, ElementsAre("docker run --add-host host.docker.internal:host-gateway ... (recreate web)",
                                   "compose: extra_hosts: [\"host.docker.internal:host-gateway\"]"));
}

// "gateway.docker.internal, with only another --add-host set."
TEST(PeerHostGatewayMissing, FiresForTheGatewayNameBesideOtherExtraHosts) {
    auto r = checks::peer_host_gateway_missing().run(
        FactsBuilder().extra_host("registry:10.0.0.9").to("gateway.docker.internal:8080").build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("HostConfig.ExtraHosts of web = [registry:10.0.0.9]"));
    EXPECT_THAT(f.fix, Contains("compose: extra_hosts: [\"gateway.docker.internal:host-gateway\"]"));
}

// "web was created with --add-host host.docker.internal:host-gateway."
TEST(PeerHostGatewayMissing, QuietWithTheAddHost) {
    auto f = FactsBuilder().extra_host("host.docker.internal:host-gateway").to("host.docker.internal:8080").build();
    EXPECT_TRUE(quiet(checks::peer_host_gateway_missing().run(f)));
}

// "The image's /etc/hosts already has host.docker.internal."
TEST(PeerHostGatewayMissing, QuietWhenTheHostsFileHasIt) {
    auto f = FactsBuilder().to("host.docker.internal:8080").hosts_entry("172.17.0.1", "host.docker.internal").build();
    EXPECT_TRUE(quiet(checks::peer_host_gateway_missing().run(f)));
}

// "web connects to db:5432."
TEST(PeerHostGatewayMissing, QuietForAContainerName) {
    EXPECT_TRUE(quiet(checks::peer_host_gateway_missing().run(FactsBuilder().to("db:5432").build())));
}

// "The source container itself could not be read."
TEST(PeerHostGatewayMissing, UndecidedWithoutTheSource) {
    auto r = checks::peer_host_gateway_missing().run(FactsBuilder().to("host.docker.internal:8080").unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the source container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
