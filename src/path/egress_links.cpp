// The links toward a container's clients (egress_links.hpp).
#include "docknetdoctor/path/egress_links.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "path_internal.hpp"

namespace dnd {
namespace {

const Link* link_named(const std::vector<Link>& links, std::string_view name) {
    const auto it = std::find_if(links.begin(), links.end(), [&](const Link& l) { return l.name == name; });
    return it == links.end() ? nullptr : &*it;
}

bool is_docker_bridge(const Link& l, const std::vector<std::string>& docker_bridges) {
    if (!l.master.empty()) return true;  // a port of a bridge: the bridge is what routes
    if (l.kind != "bridge") return false;
    return l.name == "docker0" || l.name == "docker_gwbridge" || l.name.starts_with("br-") ||
           std::find(docker_bridges.begin(), docker_bridges.end(), l.name) != docker_bridges.end();
}

}  // namespace

Result<std::vector<EgressLink>> egress_links(const HostNetwork& host, const std::optional<std::string>& toward,
                                             const std::vector<std::string>& docker_bridges) {
    if (!host.routes) return std::unexpected(host.routes.error());
    if (!host.links) return std::unexpected(host.links.error());
    std::vector<EgressLink> out;
    const auto add = [&](const std::string& name, std::string chosen_by) {
        const Link* link = link_named(*host.links, name);
        if (link == nullptr || link->mtu <= 0) return;
        if (std::any_of(out.begin(), out.end(), [&](const EgressLink& e) { return e.name == name; })) return;
        out.push_back({name, link->mtu, std::move(chosen_by)});
    };
    if (toward) {
        const auto address = path::parse_ip(*toward);
        if (!address) return fail("path", fmt::format("'{}' is not an IP address", *toward));
        const auto decision = path::route_lookup(host, address->size() == 16 ? 6 : 4, *address);
        if (decision.kind == path::RouteDecision::Kind::forward) add(decision.oif, "the route to " + *toward);
        return out;
    }
    const Route* best_default = nullptr;
    for (const Route& r : *host.routes)
        if (r.family == 4 && r.table == 254 && r.destination == "default" && r.type == "unicast" &&
            (best_default == nullptr || r.metric < best_default->metric))
            best_default = &r;
    if (best_default != nullptr) {
        add(best_default->oifname, "the default route");
        return out;
    }
    for (const Route& r : *host.routes) {
        if (r.family != 4 || r.table != 254 || r.type != "unicast" || r.oifname.empty() || r.oifname == "lo") continue;
        const Link* link = link_named(*host.links, r.oifname);
        if (link == nullptr || is_docker_bridge(*link, docker_bridges)) continue;
        add(r.oifname, "route " + r.destination);
    }
    return out;
}

}  // namespace dnd
