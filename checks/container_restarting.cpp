// container.restarting: a restart loop; between two runs nothing listens.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/causes.hpp"
#include "docknetdoctor/facts_query.hpp"

namespace dnd::checks {

CheckResult container_restarting(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    if (!c.state.restarting && c.state.status != "restarting") return result;

    const std::string name = container_ref(f);
    Finding finding = new_finding("container.restarting");
    finding.title = fmt::format("{} is in a restart loop (restarted {} times, last exit code {})", name,
                                c.restart_count, c.state.exit_code);
    finding.evidence.push_back(fmt::format("State.Status = {}", c.state.status));
    finding.evidence.push_back(fmt::format("State.Restarting = {}", c.state.restarting));
    finding.evidence.push_back(fmt::format("RestartCount = {}", c.restart_count));
    finding.evidence.push_back(fmt::format("State.ExitCode = {}", c.state.exit_code));
    if (c.state.oom_killed) finding.evidence.push_back("State.OOMKilled = true");
    if (!c.state.error.empty()) finding.evidence.push_back(fmt::format("State.Error = \"{}\"", c.state.error));
    if (!c.restart_policy.empty())
        finding.evidence.push_back(fmt::format("HostConfig.RestartPolicy.Name = {}", c.restart_policy));

    finding.fix.push_back(fmt::format("docker logs --tail 50 {}", name));
    finding.fix.push_back(fmt::format("fix the crash the logs show; docker update --restart=no {} stops the loop while you debug", name));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace dnd::checks
