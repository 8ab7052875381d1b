// container.not-running: no process, so nothing can answer on any port.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker ps shows it Exited (137)": killed by SIGKILL.
TEST(ContainerNotRunning, FiresForAnExitedContainerWithTheSignal) {
    auto r = checks::container_not_running().run(FactsBuilder().state("exited").exit_code(137).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "container.not-running", std::nullopt, Severity::critical,
                            "web is not running: exited with code 137 (killed by signal 9)"));
    EXPECT_THAT(f.evidence, ElementsAre("State.Status = exited", "State.ExitCode = 137 (killed by signal 9)",
                                        "State.FinishedAt = 2026-11-28T14:40:02.118262215Z"));
    EXPECT_THAT(f.fix, ElementsAre("docker logs --tail 50 web", "docker start web"));
}

// "It was OOM-killed."
TEST(ContainerNotRunning, FiresWithTheMemoryFixWhenOomKilled) {
    auto r = checks::container_not_running().run(FactsBuilder().state("exited").exit_code(137).oom_killed().build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("State.OOMKilled = true"));
    EXPECT_THAT(f.fix, Contains(HasSubstr("docker update --memory 1g --memory-swap 1g web")));
}

// "docker pause web."
TEST(ContainerNotRunning, FiresForAPausedContainerWithUnpause) {
    auto r = checks::container_not_running().run(FactsBuilder().state("paused").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "web is paused");
    EXPECT_THAT(f.evidence, ElementsAre("State.Status = paused"));
    EXPECT_THAT(f.fix, ElementsAre("docker unpause web"));
}

// "docker create, never started; the port was taken."
TEST(ContainerNotRunning, FiresForACreatedContainerQuotingTheEngineError) {
    auto r = checks::container_not_running().run(
        FactsBuilder().state("created").state_error("driver failed programming external connectivity").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "web was created but is not running");
    EXPECT_THAT(f.evidence, Contains("State.Error = \"driver failed programming external connectivity\""));
}

// "It is up": the healthy default.
TEST(ContainerNotRunning, QuietWhenRunning) {
    EXPECT_TRUE(quiet(checks::container_not_running().run(FactsBuilder().build())));
}

// "It keeps restarting": container.restarting explains that, not this check.
TEST(ContainerNotRunning, QuietWhileRestarting) {
    EXPECT_TRUE(quiet(checks::container_not_running().run(FactsBuilder().state("restarting").exit_code(1).build())));
}

// "The engine could not be asked."
TEST(ContainerNotRunning, UndecidedWithoutTheContainer) {
    auto r = checks::container_not_running().run(FactsBuilder().unavailable(Fact::container, "connection refused").build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: connection refused)"}));
}

}  // namespace
}  // namespace dnd
