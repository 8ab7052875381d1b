// network.none: --network none leaves the container with a loopback interface only.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "network.none",
    .severity = Severity::critical,
    .summary = "--network none: no network at all",
    .evidence = "HostConfig.NetworkMode=none",
    .fix = "attach a network",
    .rationale = "A container started with --network none gets a network namespace with only a loopback "
        "interface. Nothing outside the container can reach it, and port bindings have nothing to "
        "forward to. It must be recreated on a network (docker network connect refuses a "
        "container in none mode).",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container || !is_none_network(*container)) return result;
    const std::string name = container_ref(f);

    Finding finding = new_finding(kCause);
    finding.port = f.query.port;
    finding.title = fmt::format("{} has no network (--network none): nothing outside it can connect", name);
    finding.evidence.push_back("HostConfig.NetworkMode = none");
    finding.fix.push_back(fmt::format(
        "recreate {} on a network: docker run --network bridge -p HOST:CONTAINER ... (docker network connect refuses a container in none mode)",
        name));
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& network_none() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kAddress, kHostToContainer, kPublished},
            .confirmed_when = {{{kLoopback, kPassed}}},
            .explains_peer_probe = true,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
