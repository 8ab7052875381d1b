// peer.localhost: localhost/127.0.0.1 inside a container is that container, not the host and
// not another container.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "web connects to localhost:5432 to reach the database container."
TEST(PeerLocalhost, FiresForLocalhost) {
    auto r = checks::peer_localhost().run(FactsBuilder().to("localhost:5432").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "peer.localhost", tcp(5432), Severity::critical,
                            "localhost inside web is web itself, not another container or the host"));
    EXPECT_THAT(f.evidence, ElementsAre("--to localhost:5432: a loopback address, resolved in web's own network namespace",
                                        "nothing listens on 5432/tcp inside web",
                                        "probe inside web to 127.0.0.1:5432/tcp (address from hosts file): refused in 0.2 ms "
                                        "(connect: Connection refused)"));
    EXPECT_THAT(f.fix, ElementsAre("use the target's service or container name: --to db:5432",
                                   "for a service on the host: --add-host host.docker.internal:host-gateway and host.docker.internal"));
}

// "web connects to 127.0.0.1:8080, the host's published port."
TEST(PeerLocalhost, FiresForALoopbackAddress) {
    auto r = checks::peer_localhost().run(FactsBuilder().to("127.0.0.1:8080").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(8080));
    EXPECT_THAT(f.evidence, Contains("nothing listens on 8080/tcp inside web"));
    EXPECT_THAT(f.evidence, Contains(HasSubstr("(address from literal address): refused")));
}

// "localhost:80 from web: its own httpd (or a sidecar in its namespace) answers."
TEST(PeerLocalhost, QuietWhenSomethingInTheSourceListens) {
    EXPECT_TRUE(quiet(checks::peer_localhost().run(FactsBuilder().to("localhost:80").build())));
}

// "web runs with --network host: localhost is the host, as intended."
TEST(PeerLocalhost, QuietWhenTheSourceSharesTheHostsNetwork) {
    EXPECT_TRUE(quiet(checks::peer_localhost().run(FactsBuilder().network_mode("host").to("localhost:5432").build())));
}

// "web connects to db:5432 by name."
TEST(PeerLocalhost, QuietForAName) {
    EXPECT_TRUE(quiet(checks::peer_localhost().run(FactsBuilder().to("db:5432").build())));
}

// "The source container itself could not be read."
TEST(PeerLocalhost, UndecidedWithoutTheSource) {
    auto r = checks::peer_localhost().run(FactsBuilder().to("localhost:5432").unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the source container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
