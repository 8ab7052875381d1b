// network.internal: attached only to --internal networks, which have no way out and get no
// published ports.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "web is on backend, which I created with docker network create --internal."
TEST(NetworkInternal, FiresOnAnInternalNetworkOnly) {
    auto r = checks::network_internal().run(FactsBuilder().network("backend").internal("backend").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "network.internal", std::nullopt, Severity::critical,
                            "web is only on internal networks (backend): no outside path, no published ports"));
    EXPECT_THAT(f.evidence, ElementsAre("network \"backend\": Internal = true"));
    EXPECT_THAT(f.fix, ElementsAre("attach a normal network for the public side: docker network connect bridge web",
                                   "publishing needs that network when web is created: docker run --network bridge -p "
                                   "HOST:CONTAINER ..., then docker network connect backend web"));
}

// "It is on two networks, both --internal; I ask about --port 80."
TEST(NetworkInternal, FiresNamingEveryInternalNetwork) {
    auto r = checks::network_internal().run(
        FactsBuilder().network("backend").also_network("db").internal("backend").internal("db").port(80).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_EQ(f.title, "web is only on internal networks (backend, db): no outside path, no published ports");
    EXPECT_THAT(f.evidence, ElementsAre("network \"backend\": Internal = true", "network \"db\": Internal = true"));
}

// "On the default bridge": the healthy default.
TEST(NetworkInternal, QuietOnANormalNetwork) {
    EXPECT_TRUE(quiet(checks::network_internal().run(FactsBuilder().build())));
}

// "web is on an internal backend network and on the default bridge."
TEST(NetworkInternal, QuietWithOneNormalNetworkBeside) {
    EXPECT_TRUE(quiet(checks::network_internal().run(FactsBuilder().also_network("backend").internal("backend").build())));
}

// "The engine's network list could not be read."
TEST(NetworkInternal, UndecidedWithoutTheNetworks) {
    auto r = checks::network_internal().run(FactsBuilder().unavailable(Fact::networks).build());
    EXPECT_TRUE(undecided_only(r, {"needs the networks (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
