// container.not-running: no process, so nothing can answer on any port.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "container.not-running",
    .severity = Severity::critical,
    .summary = "container is created/exited/dead/paused",
    .evidence = "Engine API State.Status, ExitCode, OOMKilled, Error, FinishedAt",
    .fix = "look at docker logs; start it",
    .rationale = "A published port is served by a process inside the container; when the container is not "
        "running there is no process and no network namespace to forward to, so the host port "
        "refuses or times out. The exit code tells how it ended: 137 is SIGKILL (often the OOM "
        "killer), 143 is SIGTERM, 128 usually means the engine could not start it. Starting it "
        "only helps once the reason it stopped, shown by docker logs and State.Error, is fixed.",
};

// The engine writes this zero time when a container never finished.
constexpr std::string_view kNeverTime = "0001-01-01T00:00:00Z";

std::string title_of(const std::string& name, const ContainerState& s) {
    if (s.status == "paused") return fmt::format("{} is paused", name);
    if (s.status == "created") return fmt::format("{} was created but is not running", name);
    if (s.status == "dead") return fmt::format("{} is dead (the engine failed to remove or stop it)", name);
    return fmt::format("{} is not running: {} with code {}", name, s.status, exit_code_text(s.exit_code));
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const ContainerState& s = container->state;
    if (s.status != "created" && s.status != "exited" && s.status != "dead" && s.status != "paused")
        return result;

    const std::string name = container_ref(f);
    Finding finding = new_finding(kCause);
    finding.title = title_of(name, s);
    finding.evidence.push_back(fmt::format("State.Status = {}", s.status));
    if (s.exit_code != 0) finding.evidence.push_back(fmt::format("State.ExitCode = {}", exit_code_text(s.exit_code)));
    if (s.oom_killed) finding.evidence.push_back("State.OOMKilled = true");
    if (!s.error.empty()) finding.evidence.push_back(fmt::format("State.Error = \"{}\"", s.error));
    if (!s.finished_at.empty() && s.finished_at != kNeverTime)
        finding.evidence.push_back(fmt::format("State.FinishedAt = {}", s.finished_at));

    if (s.status == "paused") {
        finding.fix.push_back(fmt::format("docker unpause {}", name));
    } else {
        finding.fix.push_back(fmt::format("docker logs --tail 50 {}", name));
        if (s.oom_killed)
            finding.fix.push_back(fmt::format(
                "the kernel killed it for lack of memory: raise the limit (docker update --memory 1g --memory-swap 1g {}) or reduce the app's memory use",
                name));
        finding.fix.push_back(fmt::format("docker start {}", name));
    }
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& container_not_running() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = every_rung,
            .confirmed_without_process = true,
            .explains_peer_probe = true,
        },
        .run = on_source_and_target<run, false>,
    };
    return check;
}

}  // namespace dnd::checks
