// netfilter.input-drop: the packet to a local socket (host network, docker-proxy) dies in an
// input hook.
#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.input-drop",
    .severity = Severity::critical,
    .summary = "the packet is dropped in an input hook (host network mode, proxy path)",
    .evidence = "packet-path evaluation",
    .fix = "allow the port in the input chain",
    .rationale = "Traffic to a port the host itself owns (a host-network container, or docker-proxy when "
        "no DNAT applies) is delivered locally and passes the input hook, not forward. A host "
        "firewall that drops unknown ports on input therefore blocks it even though Docker's "
        "rules are intact. Allowing the port in that input chain lets it through.",
};

CheckResult run(const Facts& f) {
    return path_drop_findings(f, {kCause, "input", fixes_where_denied});
}

}  // namespace

const Check& netfilter_input_drop() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kPublished},
            .confirmed_when = {host_side_fails, host_network_address_fails},
            .contradicted_when = {{{kPublished, kPassed}}},
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
