// path.unexplained: reported by the ranking, not by a check (a probe failed and no finding
// accounts for it: rank/ladder_evidence.cpp). Its catalog entry lives here with the others.
#include "docknetdoctor/checks/all_checks.hpp"

namespace dnd::checks {

namespace {

constexpr CauseInfo kPathUnexplained{
    .id = "path.unexplained",
    .severity = Severity::warning,
    .summary = "a probe fails and no check explains it",
    .evidence = "the probe results",
    .fix = "docknetdoctor trace CONTAINER (the kernel's own path of a real packet), docknetdoctor watch CONTAINER "
           "(a line whenever the answer changes), look upstream (cloud security groups)",
    .rationale = "Every local layer docknetdoctor can read looks right, yet a probe still fails. The cause "
        "is then usually outside this host (a cloud security group, an upstream firewall, NAT on "
        "a router) or intermittent. Tracing a real client's packet shows what this host's kernel "
        "did with it; watching the path over time, and checking filters upstream, narrows it down.",
};

}  // namespace

const Check& path_unexplained() {
    static const Check check{
        .cause = kPathUnexplained,
        .evidence = {},
        .reported_by_ranking = true,
    };
    return check;
}

}  // namespace dnd::checks
