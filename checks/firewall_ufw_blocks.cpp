// firewall.ufw-blocks: UFW (its user rules, its default policies, or ufw-docker's block)
// drops the packet, named as UFW names it, with the ufw command that lets it through.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"
#include "path_drop_finding.hpp"
#include "ufw_terms.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "firewall.ufw-blocks",
    .severity = Severity::critical,
    .summary = "UFW (or ufw-docker) rules drop the forwarded traffic",
    .evidence = "/etc/ufw files (user.rules tuples, after.rules), ufw-* chains, DOCKER-USER jumps",
    .fix = "ufw route allow / ufw-docker allow",
    .rationale = "UFW's default forward policy is DROP, and setups like ufw-docker route Docker's traffic "
        "through ufw chains from DOCKER-USER. Forwarded traffic to a container then needs a route "
        "rule; ufw allow only opens the input chain, which published container ports never pass. "
        "ufw route allow (or ufw-docker allow) adds the forward rule. A change made with iptables or "
        "nft in UFW's chains lasts until the next ufw reload, so the fix is a ufw command.",
};

std::optional<ManagerTerms> terms(const HostNetwork& host, const PathResult& denied) {
    auto decision = ufw_decision(host, denied);
    if (!decision) return std::nullopt;
    return ManagerTerms{std::move(decision->what), std::move(decision->evidence)};
}

std::vector<std::string> fix(const Facts& f, const PathResult& denied) { return ufw_fixes(f.host, denied); }

CheckResult run(const Facts& f) {
    PathDropSpec spec{kCause, "", fix};
    spec.terms = terms;
    spec.manager = FirewallManager::ufw;
    return path_drop_findings(f, spec);
}

}  // namespace

const Check& firewall_ufw_blocks() {
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
