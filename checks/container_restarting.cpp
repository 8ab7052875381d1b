// container.restarting: a restart loop. Whatever instant it is caught in (waiting between two
// runs, or in a run that is about to crash) the loop is the cause: the app never stays up.
//
// It is a loop when the engine is restarting the container (State.Restarting), or when its
// restart policy has restarted it before (RestartCount > 0), it is running, and
//   - that run started a moment ago (kMomentAgo before the collection, or later): the engine
//     counts a run shorter than 10 s as part of a loop (only a longer one resets its back-off);
//   - or its process vanished while it was examined (Facts::vanished_process);
//   - or it died at least twice in the window of its recent runs (RestartHistory): a loop
//     whose runs outlast the moment.
// While a container runs the engine reads State.ExitCode as 0: the last die event tells how
// the last run ended.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/rfc3339.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "container.restarting",
    .severity = Severity::critical,
    .summary = "restart loop",
    .evidence = "State.Restarting, RestartCount, ExitCode, StartedAt; die events (/events); docker logs --tail",
    .fix = "fix the crash; logs",
    .rationale = "A restart policy (always, unless-stopped, on-failure) restarts a process that keeps "
        "exiting, with a growing back-off delay in between. Most of the time no process is "
        "listening, and each restart resets connections, so the port looks dead or flaky. "
        "It is named whatever instant it is caught in: waiting to restart, or in a run that "
        "restarted less than 10 s before (the engine resets its back-off only after 10 s), that "
        "died twice in the last 2 minutes, or whose process exited while it was examined. In a "
        "run the engine reads ExitCode 0: the last die event gives the exit code. "
        "The loop ends only when the crash does: docker logs shows the last run's output.",
};

constexpr double kMomentAgo = 10.0;  // seconds: the engine's own back-off reset threshold
constexpr std::size_t kDiesMakingALoop = 2;

// What the checks read of the recent runs: the die events, oldest first.
std::vector<ContainerEvent> die_events(const Facts& f) {
    std::vector<ContainerEvent> out;
    if (!f.restart_history || !f.restart_history->events) return out;
    for (const auto& e : *f.restart_history->events)
        if (e.action == "die") out.push_back(e);
    return out;
}

// Seconds from `when` to the collection: "0.3 s before the collection", or "during the
// diagnosis" for a time after the collection began (the engine was asked again).
std::optional<std::string> age_text(const Facts& f, std::string_view when) {
    const auto collected = parse_rfc3339(f.collected_at);
    const auto at = parse_rfc3339(when);
    if (!collected || !at) return std::nullopt;
    const double age = seconds_between(*at, *collected);
    if (age < 0) return fmt::format("{:.1f} s after the collection began", -age);
    return fmt::format("{:.1f} s before the collection", age);
}

bool started_a_moment_ago(const Facts& f, const ContainerState& s) {
    const auto collected = parse_rfc3339(f.collected_at);
    const auto started = parse_rfc3339(s.started_at);
    return collected && started && seconds_between(*started, *collected) <= kMomentAgo;
}

bool in_a_restart_loop(const Facts& f, const Container& c, const std::vector<ContainerEvent>& dies) {
    if (c.state.restarting || c.state.status == "restarting") return true;
    if (!has_live_process(c) || !has_restart_policy(c) || c.restart_count <= 0) return false;
    return started_a_moment_ago(f, c.state) || f.vanished_process.has_value() || dies.size() >= kDiesMakingALoop;
}

struct LastExit {
    std::optional<int> code;
    std::string evidence;
};

LastExit last_exit(const Facts& f, const Container& c, const std::vector<ContainerEvent>& dies) {
    if (!has_live_process(c))
        return {c.state.exit_code, fmt::format("State.ExitCode = {}", exit_code_text(c.state.exit_code))};
    auto last = std::find_if(dies.rbegin(), dies.rend(), [](const ContainerEvent& e) { return e.exit_code.has_value(); });
    if (last != dies.rend())
        return {last->exit_code, fmt::format("last exit code {} (die event at {}; State.ExitCode reads 0 while it runs)",
                                             exit_code_text(*last->exit_code), last->time)};
    std::string why = "no die event in the window";
    if (!f.restart_history) why = "its recent runs were not read";
    else if (!f.restart_history->events) why = "the engine's events could not be read: " + f.restart_history->events.error().message;
    return {std::nullopt, fmt::format("last exit code unknown: State.ExitCode reads 0 while it runs, and {}", why)};
}

std::string with_age(const Facts& f, std::string_view field, const std::string& when) {
    if (auto age = age_text(f, when)) return fmt::format("{} = {} ({})", field, when, *age);
    return fmt::format("{} = {}", field, when);
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    const auto dies = die_events(f);
    if (!in_a_restart_loop(f, c, dies)) return result;

    const std::string name = container_ref(f);
    const LastExit exit = last_exit(f, c, dies);
    Finding finding = new_finding(kCause);
    finding.title = fmt::format("{} is in a restart loop (restarted {} times, last exit code {})", name,
                                c.restart_count, exit.code ? exit_code_text(*exit.code) : std::string("unknown"));
    finding.evidence.push_back(fmt::format("State.Status = {}", c.state.status));
    finding.evidence.push_back(fmt::format("State.Restarting = {}", c.state.restarting));
    finding.evidence.push_back(fmt::format("RestartCount = {}", c.restart_count));
    finding.evidence.push_back(exit.evidence);
    if (!c.state.started_at.empty()) finding.evidence.push_back(with_age(f, "State.StartedAt", c.state.started_at));
    if (!has_live_process(c) && !c.state.finished_at.empty())
        finding.evidence.push_back(with_age(f, "State.FinishedAt", c.state.finished_at));
    if (const auto& v = f.vanished_process) {
        finding.evidence.push_back(fmt::format("pid {} ({} since {}) vanished during {}; the engine then reported "
                                               "State.Status = {}",
                                               v->pid, v->status_before, v->started_at_before, v->during, c.state.status));
    }
    if (!dies.empty()) {
        std::vector<std::string> codes;
        for (const auto& e : dies) codes.push_back(e.exit_code ? std::to_string(*e.exit_code) : std::string("?"));
        finding.evidence.push_back(fmt::format("{} die events between {} and {} (engine events), exit codes {}",
                                               dies.size(), f.restart_history->since, f.restart_history->until,
                                               fmt::join(codes, ", ")));
    }
    if (c.state.oom_killed) finding.evidence.push_back("State.OOMKilled = true");
    if (!c.state.error.empty()) finding.evidence.push_back(fmt::format("State.Error = \"{}\"", c.state.error));
    if (!c.restart_policy.empty())
        finding.evidence.push_back(fmt::format("HostConfig.RestartPolicy.Name = {}", c.restart_policy));
    if (f.restart_history && f.restart_history->log_tail)
        for (const auto& line : *f.restart_history->log_tail)
            finding.evidence.push_back(fmt::format("docker logs --tail: {}", line));

    finding.fix.push_back(fmt::format("docker logs --tail 50 {}", name));
    finding.fix.push_back(fmt::format("fix the crash the logs show; docker update --restart=no {} stops the loop while you debug", name));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& container_restarting() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = every_rung,
            .confirmed_without_process = true,
            .explains_peer_probe = true,
            .confirmed_by_vanished_process = true,
        },
        .run = on_source_and_target<run, false>,
    };
    return check;
}

}  // namespace dnd::checks
