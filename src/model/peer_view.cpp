// Questions about source and target that several peer checks (and the collector) ask, and
// the target's own view of the Facts, so the container.* and app.* checks judge the target
// without being copied.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/peer.hpp"

namespace dnd {
namespace {


bool same_network(const NetworkAttachment& a, const NetworkAttachment& b) {
    if (!a.network_id.empty() && !b.network_id.empty()) return a.network_id == b.network_id;
    return a.network == b.network;
}

std::string label(const Container& c, const char* key) {
    auto it = c.labels.find(key);
    return it == c.labels.end() ? std::string() : it->second;
}

}  // namespace

std::vector<std::string> shared_network_names(const Container& a, const Container& b) {
    std::vector<std::string> out;
    for (const auto& x : a.networks)
        for (const auto& y : b.networks)
            if (same_network(x, y)) out.push_back(x.network);
    return out;
}

std::string peer_container_ref(const Container& c) {
    const std::string name = c.name.empty() ? c.id.substr(0, 12) : c.name;
    const std::string service = label(c, kComposeServiceLabel);
    if (service.empty()) return name;
    return fmt::format("{} (compose service {}, project {})", name, service, label(c, kComposeProjectLabel));
}

bool peer_port_is_host_port_only(const PeerFacts& p) {
    if (!p.target) return false;
    const Container& t = *p.target;
    const PortKey asked{p.query.port, Proto::tcp};
    const bool container_port = std::find(t.exposed_ports.begin(), t.exposed_ports.end(), asked) != t.exposed_ports.end() ||
                                t.ports.contains(asked) || t.port_bindings.contains(asked) ||
                                (p.target_listeners && !listeners_on(*p.target_listeners, asked).empty());
    if (container_port) return false;
    for (const auto& [port, bindings] : t.state.running ? t.ports : t.port_bindings)
        for (const auto& b : bindings)
            if (port.proto == Proto::tcp && b.host_port == p.query.port) return true;
    return false;
}

std::optional<Facts> target_view(const Facts& f) {
    if (!f.peer || !f.peer->target) return std::nullopt;
    const PeerFacts& p = *f.peer;
    // A copy keeps every host-wide fact (engine, host listeners, rulesets) as it is.
    Facts view = f;
    view.peer.reset();
    view.query = Query{};
    view.query.container = p.target->name;
    view.query.port = PortKey{p.query.port, Proto::tcp};
    view.container = p.target;
    view.networks = p.target_networks;
    view.container_listeners = p.target_listeners;
    view.probes = fail("probe", "no ladder for the target of --to (the peer probe stands for it)");
    return view;
}

}  // namespace dnd
