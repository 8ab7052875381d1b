// network.host-mode-ports-ignored: --network host discards -p; the app's own port counts.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/causes.hpp"
#include "docknetdoctor/facts_query.hpp"

namespace dnd::checks {

CheckResult network_host_mode_ports_ignored(const Facts& f) {
    CheckResult result;
    const Container* container = container_to_judge(f, result.undecided);
    if (!container) return result;
    const Container& c = *container;
    if (!is_host_network(c)) return result;
    const std::string name = container_ref(f);

    for (PortKey p : ports_in_question(f)) {
        const auto asked = c.port_bindings.find(p);
        if (asked == c.port_bindings.end() || asked->second.empty()) continue;
        const std::vector<HostBinding>& bindings = asked->second;
        const HostBinding& first = bindings.front();
        Finding finding = new_finding("network.host-mode-ports-ignored");
        finding.port = p;
        finding.title = fmt::format("{} uses the host network: {} is ignored, the app's own port {} is what counts", name,
                                    publish_flag(p, first.host_port), p.str());
        finding.evidence.push_back("HostConfig.NetworkMode = host");
        finding.evidence.push_back(fmt::format("HostConfig.PortBindings[\"{}\"] = {}", p.str(), describe(bindings)));
        // In host mode the container's sockets are the host's: show where the app really is.
        if (f.container_listeners)
            for (const Listener& l : listeners_on(*f.container_listeners, p)) finding.evidence.push_back(describe(l));

        finding.fix.push_back(fmt::format("connect to the host's port {} directly (drop {})", p.port, publish_flag(p, first.host_port)));
        finding.fix.push_back(fmt::format("or, to use host port {}, recreate {} on a bridge network: docker run {} ...",
                                          first.host_port, name, publish_flag(p, first.host_port)));
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace dnd::checks
