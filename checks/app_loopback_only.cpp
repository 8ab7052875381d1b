// app.loopback-only: the app listens on the container's own loopback, which forwarded
// traffic never reaches.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "peer_common.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "app.loopback-only",
    .severity = Severity::critical,
    .summary = "app listens on 127.0.0.1/::1 inside the container, unreachable through the bridge",
    .evidence = "same, local address 127.0.0.1/::1",
    .fix = "bind 0.0.0.0 or ::",
    .rationale = "Inside a container, 127.0.0.1 is the container's own loopback, not the host's. Forwarded "
        "traffic arrives on the container's eth0 address, so a server bound to 127.0.0.1 or ::1 "
        "never sees it. Development servers often default to localhost; telling the app to bind "
        "0.0.0.0 (or ::) makes it accept connections on every interface of the container.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const auto listeners = listeners_to_judge(f, result.undecided);
    if (!listeners) return result;
    const Container& c = *f.container;
    // In host mode the container's loopback is the host's: a client on this host reaches it.
    const bool reachable_locally = is_host_network(c) && f.query.from_is_local;

    for (PortKey p : ports_expected_to_listen(f)) {
        auto on_port = listeners_on(*listeners, p);
        if (on_port.empty() || !reachable_listeners(*listeners, p).empty()) continue;

        const Listener& first = on_port.front();
        Finding finding = new_finding(kCause);
        if (reachable_locally) finding.severity = Severity::info;
        finding.port = p;
        // Host network: that loopback is the host's own, so this host's clients do reach it.
        finding.title = fmt::format("the app in {} listens on {} only, {}", container_ref(f),
                                    format_endpoint(first.family, first.address, first.port),
                                    is_host_network(c) ? "reachable from this host only, not from other hosts"
                                                       : "unreachable through the bridge");
        for (const Listener& l : on_port) finding.evidence.push_back(describe(l));
        finding.fix.push_back(fmt::format(
            "make the app bind 0.0.0.0 (or ::) instead of {}: its listen/host setting, e.g. --host 0.0.0.0", first.address));
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& app_loopback_only() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .explains = {kAddress, kPublished},
            .confirmed_when = {{{kLoopback, kPassed}, {kAddress, kFailed}}, host_network_address_fails},
            .contradicted_when = {{{kAddress, kPassed}}, {{kLoopback, kFailed}}},
            .explains_peer_probe = true,
        },
        .run = on_source_and_target<run, true>,
    };
    return check;
}

}  // namespace dnd::checks
