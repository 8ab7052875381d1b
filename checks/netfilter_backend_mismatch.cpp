// netfilter.backend-mismatch: rules live in both iptables-legacy and nftables. Both run on
// the same hooks and a drop in either wins, yet each tool shows only its own half.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "netfilter.backend-mismatch",
    .severity = Severity::critical,
    .summary = "rules live in both iptables-legacy and nftables; one side drops what the other allows",
    .evidence = "/proc/net/ip_tables_names and legacy tables vs nftables",
    .fix = "use one backend; restart dockerd",
    .rationale = "iptables-legacy and nftables (including iptables-nft) keep separate rule sets that "
        "both hook into the same netfilter hooks, and a drop in either wins. When Docker writes "
        "its rules through one backend and a firewall uses the other, each tool lists only its "
        "own half and the path looks open. Choosing one backend for everything (update-alternatives "
        "for iptables) and restarting dockerd puts all rules where they can be seen.",
};

// "iptables-legacy: filter (FORWARD policy drop, 3 rules), nat (5 rules)"
std::string summary(const nf::Ruleset& rs, std::string_view backend) {
    std::string text = fmt::format("{}:", backend);
    std::size_t shown = 0;
    for (const nf::Table& t : rs.tables) {
        std::size_t rules = 0;
        std::vector<std::string> policies;
        for (const nf::Chain& c : t.chains) {
            rules += c.rules.size();
            if (c.base && c.base->policy != nf::Verdict::Kind::accept)
                policies.push_back(fmt::format("{} policy {}", c.name, to_string(c.base->policy)));
        }
        if (rules == 0 && policies.empty()) continue;
        std::string what = fmt::format("{} rules", rules);
        for (const auto& p : policies) what = p + ", " + what;
        text += fmt::format("{} {} {} ({})", shown++ == 0 ? "" : ",", to_string(t.family), t.name, what);
    }
    return text;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const auto& nft = f.host->nftables;
    const auto& legacy = f.host->iptables_legacy;
    if (!legacy) {
        result.undecided.push_back(unavailable_reason("host.iptables_legacy", legacy.error()));
        return result;
    }
    if (!holds_rules(*legacy)) return result;
    if (!nft) {
        result.undecided.push_back(unavailable_reason("host.nftables", nft.error()));
        return result;
    }
    if (!holds_rules(*nft)) return result;

    Finding finding = new_finding(kCause);
    finding.evidence.push_back(summary(*legacy, "iptables-legacy (/proc/net/ip_tables_names)"));
    finding.evidence.push_back(summary(*nft, "nftables"));
    // Legacy deciding a denied path is what turns "confusing" into "the cause".
    const PathResult* decided_by_legacy = nullptr;
    // The paths are packets to the published ports in question: none under --to.
    if (f.paths && asks_forwarded_path(f))
        for (const PathResult& p : *f.paths)
            if (is_denied(p) && p.decided_by.starts_with("iptables-legacy")) {
                decided_by_legacy = &p;
                break;
            }
    if (decided_by_legacy != nullptr) {
        finding.severity = Severity::critical;
        finding.title = "an iptables-legacy rule drops what the nftables rules allow";
        finding.evidence.push_back("decided by: " + decided_by_legacy->decided_by);
        finding.evidence.push_back("packet: " + describe_packet(decided_by_legacy->packet));
        if (f.container) finding.port = container_port_of(*f.container, *decided_by_legacy);
        // What lets the packet through now comes first; one backend is the lasting cure.
        finding.fix = fixes_where_denied(f, *decided_by_legacy);
    } else {
        finding.severity = Severity::warning;
        finding.title = "rules live in both iptables-legacy and nftables: each tool shows only half of the firewall";
        finding.evidence.push_back(f.paths ? "no evaluated path is decided by an iptables-legacy rule"
                                           : "paths not evaluated: whether legacy rules decide is unknown");
    }
    finding.fix.push_back("list both halves: iptables-legacy-save and nft list ruleset");
    finding.fix.push_back("use one backend: move the legacy rules to nftables (iptables-legacy-save | "
                          "iptables-nft-restore), then flush legacy (iptables-legacy -F; -X; -P FORWARD ACCEPT)");
    finding.fix.push_back("restart dockerd so it writes its rules with the backend that remains");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& netfilter_backend_mismatch() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kHostToContainer, kPublished},
            .confirmed_when = {{{kHostToContainer, kFailed}}, host_side_fails},
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
