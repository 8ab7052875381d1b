// port.host-bind-loopback: published on a loopback host address only, so clients on other
// hosts cannot reach it (often on purpose).
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "port.host-bind-loopback",
    .severity = Severity::critical,
    .summary = "published on 127.0.0.1/::1 only; clients from elsewhere cannot reach it",
    .evidence = "NetworkSettings.Ports HostIp, daemon default ip",
    .fix = "-p 0.0.0.0:H:C if outside access is wanted",
    .rationale = "A binding like -p 127.0.0.1:8080:80, or an empty host address when the daemon's ip "
        "setting is 127.0.0.1, makes Docker accept the port on the loopback address only. "
        "Packets from other hosts arrive on another address and match no DNAT rule or proxy. "
        "That is often deliberate; publish on 0.0.0.0 or a specific interface address only if "
        "outside clients should connect.",
};

bool asked_without_address(const Container& c, PortKey p) {
    auto it = c.port_bindings.find(p);
    return it != c.port_bindings.end() && !it->second.empty() &&
           std::all_of(it->second.begin(), it->second.end(), [](const HostBinding& b) { return b.host_ip.empty(); });
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* container = publishing_container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    const std::string name = container_ref(f);

    for (PortKey p : ports_in_question(f)) {
        auto bindings = bindings_of(c, p);
        if (bindings.empty() ||
            !std::all_of(bindings.begin(), bindings.end(), [](const HostBinding& b) { return is_loopback_address(b.host_ip); }))
            continue;

        const HostBinding& first = bindings.front();
        Finding finding = new_finding(kCause);
        finding.port = p;
        if (f.query.from_is_local) {
            finding.severity = Severity::info;
            finding.title = fmt::format("{} of {} is published on {} only: reachable from this host, not from others",
                                        p.str(), name, describe(first));
        } else {
            finding.title = fmt::format("{} of {} is published on {} only: clients on other hosts cannot reach it",
                                        p.str(), name, describe(first));
        }
        finding.evidence.push_back(bindings_evidence(c, p));
        if (asked_without_address(c, p))
            finding.evidence.push_back(fmt::format(
                "HostConfig.PortBindings[\"{}\"] gives no HostIp: the loopback address is the daemon's default \"ip\" setting",
                p.str()));

        finding.fix.push_back(fmt::format("if clients on other hosts should connect: recreate {} with docker run {} ...",
                                          name, publish_flag(p, first.host_port, "0.0.0.0")));
        if (f.query.from_is_local)
            finding.fix.push_back(fmt::format("from this host, connect to {}", describe(first)));
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& port_host_bind_loopback() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .confirmed_when = {{{kPublished, kPassed}}},
            .open_note = "the loopback binding did not answer either",
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
