// container.unhealthy: the image's healthcheck fails.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker ps says (unhealthy): curl in the healthcheck gets connection refused."
TEST(ContainerUnhealthy, FiresWithTheLastProbeOutput) {
    auto r = checks::container_unhealthy().run(
        FactsBuilder().health("unhealthy", 5, 7, "curl: (7) Failed to connect to localhost port 80\n").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "container.unhealthy", std::nullopt, Severity::warning,
                            "the healthcheck of web is failing (5 failures in a row)"));
    EXPECT_THAT(f.evidence, ElementsAre("State.Health.Status = unhealthy", "State.Health.FailingStreak = 5",
                                        "last State.Health.Log entry: ExitCode = 7, Output = \"curl: (7) Failed to connect to localhost port 80\""));
    EXPECT_THAT(f.fix, Contains("docker inspect --format '{{json .State.Health}}' web"));
}

// "The healthcheck prints a blank line, then a long stack trace."
TEST(ContainerUnhealthy, FiresWithTheFirstNonBlankLineCut) {
    const std::string trace(200, 'x');
    auto r = checks::container_unhealthy().run(FactsBuilder().health("unhealthy", 3, 1, "\n  \n" + trace + "\nmore").build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("last State.Health.Log entry: ExitCode = 1, Output = \"" + trace.substr(0, 160) + "...\""));
}

// "It just started; the healthcheck has not passed yet."
TEST(ContainerUnhealthy, QuietWhileStarting) {
    EXPECT_TRUE(quiet(checks::container_unhealthy().run(FactsBuilder().health("starting").build())));
}

// "Healthy."
TEST(ContainerUnhealthy, QuietWhenHealthy) {
    EXPECT_TRUE(quiet(checks::container_unhealthy().run(FactsBuilder().health("healthy").build())));
}

// "The image has no HEALTHCHECK": the default.
TEST(ContainerUnhealthy, QuietWithoutAHealthcheck) {
    EXPECT_TRUE(quiet(checks::container_unhealthy().run(FactsBuilder().build())));
}

// "The engine could not be asked."
TEST(ContainerUnhealthy, UndecidedWithoutTheContainer) {
    auto r = checks::container_unhealthy().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
