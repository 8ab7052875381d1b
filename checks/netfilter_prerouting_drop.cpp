// netfilter.prerouting-drop: the packet dies before routing (raw/mangle/filter prerouting:
// direct-routing blocks, fail2ban, blocklists).
#include <string_view>

#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.prerouting-drop",
    .severity = Severity::critical,
    .summary = "dropped before routing (raw/mangle prerouting, e.g. direct-routing blocks, fail2ban)",
    .evidence = "packet-path evaluation",
    .fix = "adjust that rule",
    .rationale = "Chains on the prerouting hook (raw, mangle, some nat and filter chains) see a packet "
        "before any routing or DNAT decision. Docker 28 drops direct access to container addresses "
        "from other interfaces in raw PREROUTING, and tools like fail2ban add drops there too. A "
        "drop at this stage hides every later rule, so that rule itself must change.",
};

// Docker's own direct-routing block: Docker 28 iptables (raw PREROUTING, daddr = container)
// or Docker 29 nftables ("DROP DIRECT ACCESS").
bool is_docker_direct_access_drop(std::string_view rule) {
    return rule.find("DROP DIRECT ACCESS") != std::string_view::npos ||
           (rule.find("raw PREROUTING") != std::string_view::npos && rule.find("ip daddr") != std::string_view::npos);
}

std::vector<std::string> prerouting_fix(const Facts& f, const PathResult& denied) {
    if (is_docker_direct_access_drop(denied.decided_by))
        return {
            "Docker drops packets to container addresses that arrive from outside the bridge: connect to the "
            "published host port instead",
            "or give the network gateway mode \"routed\" (com.docker.network.bridge.gateway_mode_ipv4) if direct "
            "routing is wanted",
        };
    std::vector<std::string> fix = fixes_where_denied(f, denied);
    fix.push_back("if a blocklist tool (fail2ban, crowdsec) added that rule, unban the client there");
    return fix;
}

CheckResult run(const Facts& f) {
    return path_drop_findings(f, {kCause, "prerouting", prerouting_fix});
}

}  // namespace

const Check& netfilter_prerouting_drop() {
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
