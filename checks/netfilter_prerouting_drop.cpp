// netfilter.prerouting-drop: the packet dies before routing (raw/mangle/filter prerouting:
// fail2ban, blocklists, Docker's drop for a port published on 127.0.0.1 only). Docker's
// direct-routing block is netfilter.direct-routing-blocked.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.prerouting-drop",
    .severity = Severity::critical,
    .summary = "dropped before routing (raw/mangle prerouting, e.g. fail2ban, blocklists)",
    .evidence = "packet-path evaluation",
    .fix = "adjust that rule",
    .rationale = "Chains on the prerouting hook (raw, mangle, some nat and filter chains) see a packet "
        "before any routing or DNAT decision. Tools like fail2ban and CrowdSec add drops there, and "
        "Docker 28 drops packets for a port published on 127.0.0.1 that arrive on other interfaces "
        "(its drop of routed access to container addresses is netfilter.direct-routing-blocked). A "
        "drop at this stage hides every later rule, so that rule itself must change.",
};

// Docker's direct-routing block has a cause of its own (netfilter.direct-routing-blocked).
bool takes(const Facts& f, const PathResult& denied) {
    return prerouting_drop_origin(f, denied) != PreroutingDropOrigin::docker_direct_access;
}

std::vector<std::string> rule_evidence(const Facts& f, const PathResult& denied) {
    if (prerouting_drop_origin(f, denied) != PreroutingDropOrigin::docker_loopback_published) return {};
    return {fmt::format("Docker's rule: the port is published on {} only, and Docker drops packets for {} that "
                        "arrive on any interface but lo",
                        denied.packet.daddr, format_endpoint(denied.packet.daddr, denied.packet.dport))};
}

std::vector<std::string> prerouting_fix(const Facts& f, const PathResult& denied) {
    if (prerouting_drop_origin(f, denied) == PreroutingDropOrigin::docker_loopback_published) {
        const auto port = f.container ? container_port_of(*f.container, denied) : std::nullopt;
        return {
            fmt::format("clients on this host: connect to {} from the host itself",
                        format_endpoint(denied.packet.daddr, denied.packet.dport)),
            fmt::format("clients elsewhere: publish on an address they reach ({} or the host's address); Docker "
                        "then makes no such rule",
                        port ? publish_flag(*port, denied.packet.dport, "0.0.0.0")
                             : fmt::format("-p 0.0.0.0:{}:PORT", denied.packet.dport)),
        };
    }
    std::vector<std::string> fix = fixes_where_denied(f, denied);
    fix.push_back("if a blocklist tool (fail2ban, crowdsec) added that rule, unban the client there");
    return fix;
}

CheckResult run(const Facts& f) {
    return path_drop_findings(f, {kCause, "prerouting", prerouting_fix, takes, rule_evidence});
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
