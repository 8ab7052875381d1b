// netfilter.forward-drop: the packet, DNAT'd to the container, dies in a forward hook.
#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.forward-drop",
    .severity = Severity::critical,
    .summary = "the forwarded packet to the container is dropped/rejected in a forward hook",
    .evidence = "packet-path evaluation: chain, rule (nft syntax, handle), or chain policy",
    .fix = "allow it in the chain that drops it (DOCKER-USER when Docker's chains drop it)",
    .rationale = "After DNAT, a packet for a container is forwarded, so it passes every base chain on the "
        "forward hook, in every table, and a drop in any of them wins. A FORWARD policy of DROP "
        "(set by Docker itself, or a host firewall) or another table's forward chain can discard "
        "it before Docker's accept rules matter. An accept ends only the base chain it is in: "
        "an ACCEPT in DOCKER-USER (the place Docker leaves for user rules in its own chain) fixes "
        "a drop in Docker's chains, but not one in firewalld's or another table's chain, or in "
        "iptables-legacy. The allowance goes before the drop in the chain that drops it.",
};

CheckResult run(const Facts& f) {
    return path_drop_findings(f, {kCause, "forward", fixes_where_denied});
}

}  // namespace

const Check& netfilter_forward_drop() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = kForwardNote,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
