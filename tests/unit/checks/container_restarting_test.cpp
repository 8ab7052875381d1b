// container.restarting: a restart loop. Whatever instant the collection catches (between two
// runs, or in a run about to crash), the app never stays up.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker ps says Restarting (1) 2 seconds ago."
TEST(ContainerRestarting, FiresWhileTheEngineWaitsToRestartIt) {
    auto r = checks::container_restarting().run(FactsBuilder()
                                              .state("restarting")
                                              .exit_code(1)
                                              .restart_policy("always", 7)
                                              .started_at("2026-11-28T14:29:57Z")
                                              .finished_at("2026-11-28T14:29:58Z")
                                              .log_line("panic: open /etc/app/config.yml: no such file or directory")
                                              .build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "container.restarting", std::nullopt, Severity::critical,
                            "web is in a restart loop (restarted 7 times, last exit code 1)"));
    EXPECT_THAT(f.evidence, ElementsAre("State.Status = restarting", "State.Restarting = true", "RestartCount = 7",
                                        "State.ExitCode = 1",
                                        "State.StartedAt = 2026-11-28T14:29:57Z (3.0 s before the collection)",
                                        "State.FinishedAt = 2026-11-28T14:29:58Z (2.0 s before the collection)",
                                        "HostConfig.RestartPolicy.Name = always",
                                        "docker logs --tail: panic: open /etc/app/config.yml: no such file or directory"));
    EXPECT_THAT(f.fix, ElementsAre("docker logs --tail 50 web",
                                   "fix the crash the logs show; docker update --restart=no web stops the loop while you debug"));
}

// "It says Up 2 seconds, yet RestartCount keeps growing."
TEST(ContainerRestarting, FiresForARunThatStartedAMomentAgo) {
    auto r = checks::container_restarting().run(FactsBuilder()
                                              .restart_policy("on-failure", 3)
                                              .die_event("2026-11-28T14:29:57Z", 1)
                                              .started_at("2026-11-28T14:29:58Z")
                                              .build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "web is in a restart loop (restarted 3 times, last exit code 1)");
    EXPECT_THAT(f.evidence, ElementsAre("State.Status = running", "State.Restarting = false", "RestartCount = 3",
                                        "last exit code 1 (die event at 2026-11-28T14:29:57Z; State.ExitCode reads 0 while it runs)",
                                        "State.StartedAt = 2026-11-28T14:29:58Z (2.0 s before the collection)",
                                        "1 die events between 2026-11-28T14:28:00.000Z and 2026-11-28T14:30:00.000Z "
                                        "(engine events), exit codes 1",
                                        "HostConfig.RestartPolicy.Name = on-failure"));
}

// "Each run lasts about a minute, then it is killed again."
TEST(ContainerRestarting, FiresForRunsLongerThanAMomentThatKeepDying) {
    auto r = checks::container_restarting().run(FactsBuilder()
                                              .restart_policy("unless-stopped", 5)
                                              .die_event("2026-11-28T14:28:29Z", 137)
                                              .die_event("2026-11-28T14:29:29Z", 137)
                                              .started_at("2026-11-28T14:29:30Z")
                                              .build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "web is in a restart loop (restarted 5 times, last exit code 137 (killed by signal 9))");
    EXPECT_THAT(f.evidence, Contains("2 die events between 2026-11-28T14:28:00.000Z and 2026-11-28T14:30:00.000Z "
                                     "(engine events), exit codes 137, 137"));
}

// "restart: always; it was restarted twice last week and has been up since."
TEST(ContainerRestarting, QuietForASettledRunAfterEarlierRestarts) {
    EXPECT_TRUE(quiet(checks::container_restarting().run(FactsBuilder().restart_policy("always", 2).build())));
}

// "I started it by hand a second ago; it has no restart policy."
TEST(ContainerRestarting, QuietForAFreshStartWithoutRestartPolicy) {
    EXPECT_TRUE(quiet(checks::container_restarting().run(FactsBuilder().started_at("2026-11-28T14:29:59Z").build())));
}

// "It exited and stays down": container.not-running says so, no loop here.
TEST(ContainerRestarting, QuietForAContainerThatStaysDown) {
    EXPECT_TRUE(quiet(checks::container_restarting().run(FactsBuilder().state("exited").exit_code(1).build())));
}

// "The engine would not show the container."
TEST(ContainerRestarting, UndecidedWithoutTheContainer) {
    auto r = checks::container_restarting().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
