// selinux.denial: SELinux denied a process on the container's path (its app, docker-proxy,
// a host proxy in front of it) an operation on its port or address, and logged an AVC.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "evidence_rules.hpp"
#include "selinux_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "selinux.denial",
    .severity = Severity::critical,
    .summary = "SELinux denies the bind/connect",
    .evidence = "/sys/fs/selinux/enforce, booleans, AVC denials of the last hour in the audit log (or the journal) "
                "for the container's ports, addresses or processes",
    .fix = "set the boolean or label the port the policy asks for",
    .rationale = "In enforcing mode SELinux checks each bind and connect of a confined process against its "
        "type: a web server (httpd_t) in front of a published port may connect only to the port types its "
        "booleans allow, and container_t may connect only where container_connect_any lets it. A denied "
        "operation fails with EACCES and leaves an AVC record in the audit log. The right boolean or port "
        "label permits it without disabling SELinux.",
};

std::string title_of(const AvcDenial& d, int count, std::string_view state) {
    const std::string times = count > 1 ? fmt::format(" ({} times in the last hour)", count) : "";
    return fmt::format("SELinux {} {} {}{}", state, denied_process(d), denied_operation(d), times);
}

Finding finding_for(const SelinuxState& s, const ConcernedDenial& c) {
    const AvcDenial& d = *c.latest;
    const auto remedy = remedy_for(d);
    const bool logged_only = d.permissive.value_or(!s.enforcing);
    const bool allowed_since = remedy && !remedy->boolean.empty() && boolean_on(s, remedy->boolean);

    Finding finding = new_finding(kCause);
    finding.port = c.port;
    if (logged_only || allowed_since) finding.severity = Severity::info;
    if (allowed_since)
        finding.title = title_of(d, c.count, "denied") + fmt::format(", before {} was turned on", remedy->boolean);
    else if (logged_only)
        finding.title = title_of(d, c.count, "would deny") + " (logged in permissive mode, not enforced)";
    else
        finding.title = title_of(d, c.count, "denies");

    finding.evidence.push_back(fmt::format("AVC ({}): {}", s.denials->source, d.record));
    finding.evidence.push_back(c.why);
    if (c.count > 1)
        finding.evidence.push_back(fmt::format("{} alike denials since {}", c.count, s.denials->since));
    finding.evidence.push_back(mode_evidence(s));
    if (d.permissive == true) finding.evidence.push_back("permissive=1: SELinux logged it and let it pass");
    if (remedy && !remedy->boolean.empty()) finding.evidence.push_back(boolean_evidence(s, remedy->boolean));

    if (remedy && !allowed_since) finding.fix = remedy_fix(*remedy, d.dest ? d.dest : d.src, d.tclass);
    if (finding.fix.empty() && !allowed_since)
        finding.fix.push_back(fix_running("see why the policy denies it and what would allow it",
                                          "ausearch -m avc -ts recent | audit2why"));
    if (!remedy && !allowed_since)
        finding.fix.push_back("no boolean or port label allows it: review `ausearch -m avc -ts recent | audit2allow`, "
                              "and load it as a local module only if the access is intended");
    return finding;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!container_to_judge(f, result.undecided)) return result;
    const SelinuxState* s = enabled_selinux(f);
    if (!s || !s->denials) return result;  // not enabled: a note; unreadable: a blind spot
    for (const ConcernedDenial& c : denials_concerning(f, *s)) result.findings.push_back(finding_for(*s, c));
    return result;
}

}  // namespace

const Check& selinux_denial() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = every_rung,
            .open_note = "a denial shows in the audit log, not in a probe outcome",
            .explains_peer_probe = true,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
