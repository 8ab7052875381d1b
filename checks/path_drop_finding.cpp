// The common reading behind the *-drop checks (see path_drop_finding.hpp).
#include "path_drop_finding.hpp"

#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "firewall_manager.hpp"
#include "unknown_paths.hpp"

namespace dnd::checks {

CheckResult path_drop_findings(const Facts& f, const PathDropSpec& spec) {
    CheckResult result;
    const auto judged = paths_to_judge(f, result.undecided);
    if (!judged) return result;
    const Container* c = judged.container;
    // Several packets (IPv4/IPv6, each host address) stopped by one rule make one finding.
    std::map<std::pair<std::optional<PortKey>, std::string>, std::vector<const PathResult*>> groups;
    for (const PathResult& path : *judged.paths) {
        if (!is_denied(path) || (!spec.hook.empty() && path.decided_hook != spec.hook)) continue;
        if (manager_deciding(f.host, path) != spec.manager) continue;
        if (spec.takes == nullptr || spec.takes(f, path))
            groups[{container_port_of(*c, path), path.decided_by}].push_back(&path);
    }

    const std::string name = container_ref(f);
    for (const auto& [key, paths] : groups) {
        const auto& [port, decided_by] = key;
        const PathResult& first = *paths.front();
        Finding finding = new_finding(spec.cause);
        finding.port = port;
        const std::string_view how = first.verdict == PathVerdict::rejected ? "rejected" : "dropped";
        // --direct: the address is part of the question, so the title names it.
        const std::string at = f.query.direct ? " at " + first.packet.daddr : std::string();
        finding.title = fmt::format("{} to {}{}{} is {} in the {} hook", to_string(first.packet.proto), name, at,
                                    port ? " port " + port->str() : std::string(), how, first.decided_hook);
        if (spec.title != nullptr) finding.title = spec.title(f, first, finding.title);
        const auto terms = spec.terms != nullptr ? spec.terms(f.host, first) : std::nullopt;
        if (terms) finding.title = fmt::format("{}: {}", finding.title, terms->what);
        finding.evidence.push_back("decided by: " + decided_by);
        if (const PathStep* step = deciding_step(first); step != nullptr && !step->where.empty())
            finding.evidence.push_back(fmt::format("chain: {} ({} hook)", step->where, step->hook));
        if (terms) finding.evidence.insert(finding.evidence.end(), terms->evidence.begin(), terms->evidence.end());
        if (spec.rule_evidence != nullptr)
            for (std::string& line : spec.rule_evidence(f, first)) finding.evidence.push_back(std::move(line));
        for (const PathResult* p : paths) {
            std::string line = "packet: " + describe_packet(p->packet);
            if (p->final_packet.daddr != p->packet.daddr || p->final_packet.dport != p->packet.dport)
                line += ", after DNAT -> " + format_endpoint(p->final_packet.daddr, p->final_packet.dport);
            finding.evidence.push_back(line + fmt::format(" ({})", to_string(p->verdict)));
        }
        if (port && is_host_network(*c)) {
            // No mapping on the host network: the packet is for the app's own socket.
            finding.evidence.push_back("HostConfig.NetworkMode = host: the host port is the app's own");
            if (f.container_listeners)
                for (const Listener& l : app_listeners_on(*c, *f.container_listeners, *port))
                    finding.evidence.push_back(describe(l));
        } else if (f.query.direct) {
            finding.evidence.push_back(fmt::format("the client connects to {}'s own address, not to a published "
                                                   "port (--direct)", name));
        } else if (port) {
            finding.evidence.push_back(bindings_evidence(*c, *port));
        }
        finding.fix = spec.fix(f, first);
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace dnd::checks
