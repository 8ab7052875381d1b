// container.unhealthy: the image's healthcheck fails.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "container.unhealthy",
    .severity = Severity::warning,
    .summary = "healthcheck failing",
    .evidence = "State.Health.Status, last Health.Log output",
    .fix = "see healthcheck output",
    .rationale = "The engine runs the image's HEALTHCHECK command inside the container and marks the "
        "container unhealthy after several failures in a row. Plain docker keeps forwarding "
        "traffic to an unhealthy container, but orchestrators and proxies that honor health "
        "(Swarm, Traefik, compose depends_on) stop routing to it. The probe's output says "
        "whether the app or the check itself (a missing curl, a wrong port) is broken.",
};

// Health output is free text over many lines: its first non-blank line, kept short.
std::string first_line(std::string_view text) {
    constexpr std::size_t kMaxChars = 160;
    while (!text.empty()) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        if (!line.empty()) {
            if (line.size() > kMaxChars) return std::string(line.substr(0, kMaxChars)) + "...";
            return std::string(line);
        }
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return {};
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const auto& health = container->state.health;
    if (!health || health->status != "unhealthy") return result;

    const std::string name = container_ref(f);
    Finding finding = new_finding(kCause);
    finding.title = fmt::format("the healthcheck of {} is failing ({} failures in a row)", name, health->failing_streak);
    finding.evidence.push_back("State.Health.Status = unhealthy");
    finding.evidence.push_back(fmt::format("State.Health.FailingStreak = {}", health->failing_streak));
    std::string output = first_line(health->last_output);
    finding.evidence.push_back(fmt::format("last State.Health.Log entry: ExitCode = {}, Output = \"{}\"",
                                           health->last_exit_code, output));

    finding.fix.push_back(fmt::format("docker inspect --format '{{{{json .State.Health}}}}' {}", name));
    finding.fix.push_back("fix the app, or the HEALTHCHECK command if it is the check that fails (a tool missing in the image, a wrong port)");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& container_unhealthy() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = "probes do not run the healthcheck",
        },
        .run = on_source_and_target<run, false>,
    };
    return check;
}

}  // namespace dnd::checks
