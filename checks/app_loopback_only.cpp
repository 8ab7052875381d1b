// app.loopback-only: the app listens on the container's own loopback, which forwarded
// traffic never reaches.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"

namespace dnd::checks {

CheckResult app_loopback_only(const Facts& f) {
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
        Finding finding = new_finding("app.loopback-only");
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

}  // namespace dnd::checks
