// network.none: --network none leaves the container with a loopback interface only.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker run --network none -p 8080:80 web."
TEST(NetworkNone, FiresWithoutNetwork) {
    auto r = checks::network_none().run(FactsBuilder().network_mode("none").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "network.none", std::nullopt, Severity::critical,
                            "web has no network (--network none): nothing outside it can connect"));
    EXPECT_THAT(f.evidence, ElementsAre("HostConfig.NetworkMode = none"));
    EXPECT_THAT(f.fix, ElementsAre("recreate web on a network: docker run --network bridge -p HOST:CONTAINER ... "
                                   "(docker network connect refuses a container in none mode)"));
}

// "--network none, and I ask about --port 80."
TEST(NetworkNone, FiresForTheAskedPort) {
    auto r = checks::network_none().run(FactsBuilder().network_mode("none").port(80).build());
    EXPECT_EQ(the_finding(r).port, tcp(80));
}

// "On the default bridge": the healthy default.
TEST(NetworkNone, QuietOnABridge) {
    EXPECT_TRUE(quiet(checks::network_none().run(FactsBuilder().build())));
}

// "--network host": the host's network, not none.
TEST(NetworkNone, QuietInHostMode) {
    EXPECT_TRUE(quiet(checks::network_none().run(FactsBuilder().network_mode("host").build())));
}

// "The engine could not be asked."
TEST(NetworkNone, UndecidedWithoutTheContainer) {
    auto r = checks::network_none().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
