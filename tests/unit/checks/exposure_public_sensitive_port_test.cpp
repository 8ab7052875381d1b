// exposure.public-sensitive-port: a database, cache or admin port published on every host
// address.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker run -p 5432:5432 postgres."
TEST(ExposurePublicSensitivePort, FiresForPostgresOnEveryAddress) {
    auto r = checks::exposure_public_sensitive_port().run(FactsBuilder().publish(5432, 5432).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "exposure.public-sensitive-port", tcp(5432), Severity::warning,
                            "PostgreSQL port 5432/tcp of web is published on all interfaces (0.0.0.0:5432)"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"5432/tcp\"] = 0.0.0.0:5432",
                                        "5432/tcp is the well-known port of PostgreSQL"));
    EXPECT_THAT(f.fix, Contains("publish it for this host only: docker run -p 127.0.0.1:5432:5432 ..."));
}

// "-p 6379:80": the host port is Redis's, whatever listens behind it.
TEST(ExposurePublicSensitivePort, FiresForASensitiveHostPort) {
    auto r = checks::exposure_public_sensitive_port().run(FactsBuilder().publish(80, 6379).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_EQ(f.title, "Redis port 80/tcp of web is published on all interfaces (0.0.0.0:6379)");
    EXPECT_THAT(f.evidence, Contains("6379/tcp is the well-known port of Redis"));
    EXPECT_THAT(f.fix, Contains("publish it for this host only: docker run -p 127.0.0.1:6379:80 ..."));
}

// "-p 8080:80 for a web server": the healthy default.
TEST(ExposurePublicSensitivePort, QuietForAWebPort) {
    EXPECT_TRUE(quiet(checks::exposure_public_sensitive_port().run(FactsBuilder().build())));
}

// "-p 127.0.0.1:5432:5432: only this host reaches the database."
TEST(ExposurePublicSensitivePort, QuietOnLoopback) {
    EXPECT_TRUE(quiet(checks::exposure_public_sensitive_port().run(FactsBuilder().publish(5432, 5432, "127.0.0.1").build())));
}

// "-p 5432:5432/udp": no database answers UDP on 5432.
TEST(ExposurePublicSensitivePort, QuietForTheSamePortNumberOverUdp) {
    auto f = FactsBuilder().publish(5432, 5432, "", Proto::udp).build();
    EXPECT_TRUE(quiet(checks::exposure_public_sensitive_port().run(f)));
}

// "The engine could not be asked."
TEST(ExposurePublicSensitivePort, UndecidedWithoutTheContainer) {
    auto r = checks::exposure_public_sensitive_port().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
