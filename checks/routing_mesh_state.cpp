// The routing mesh's steps for one published port (routing_mesh_state.hpp).
#include "routing_mesh_state.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "docknetdoctor/path/netfilter_query.hpp"

namespace dnd::checks {
namespace {

using Kind = MeshPortState::Kind;

std::string format_error(const Error& e) { return fmt::format("{}: {}", e.source, e.message); }

// The rules both rulesets hold for the question, nftables' first; "unread" names a ruleset
// that could not be read, since the rule may be there.
template <class Ref, class Find>
std::vector<Ref> rules_in_both(const Result<nf::Ruleset>& nftables, const Result<nf::Ruleset>& legacy, Find find,
                               std::vector<std::string>& unread) {
    std::vector<Ref> out;
    for (const Result<nf::Ruleset>* ruleset : {&nftables, &legacy}) {
        if (!*ruleset) {
            unread.push_back(format_error(ruleset->error()));
            continue;
        }
        auto found = find(**ruleset);
        out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    return out;
}

MeshPortState unknown(MeshPortState state, std::string reason) {
    state.kind = Kind::unknown;
    state.reason = std::move(reason);
    return state;
}

MeshPortState decided(MeshPortState state, Kind kind, std::string evidence) {
    state.kind = kind;
    state.evidence.push_back(std::move(evidence));
    return state;
}

std::string ipvs_service_text(const IpvsService& s) {
    if (s.fwmark != 0) return fmt::format("FWM {} {}", s.fwmark, s.scheduler);
    return fmt::format("{} {}:{} {}", s.protocol, s.addr, s.port, s.scheduler);
}

std::string destination_text(const IpvsDestination& d) {
    return fmt::format("{}:{} weight {} ({} active, {} inactive connections)", d.addr, d.port, d.weight,
                       d.active_connections, d.inactive_connections);
}

}  // namespace

MeshPortState mesh_port_state(const HostNetwork& host, const RoutingMesh& mesh, const ServicePort& port) {
    MeshPortState state;
    const Proto proto = port.target.proto;
    const std::string port_text = fmt::format("{} dport {}", to_string(proto), port.published);

    // 1. The host sends the port to ingress_sbox (DOCKER-INGRESS).
    std::vector<std::string> unread;
    const auto dnats = rules_in_both<DnatRuleRef>(
        host.nftables, host.iptables_legacy,
        [&](const nf::Ruleset& r) { return dnat_rules_for(r, proto, port.published); }, unread);
    const auto dnat = std::find_if(dnats.begin(), dnats.end(), [](const DnatRuleRef& r) { return r.port_known; });
    if (dnat == dnats.end()) {
        if (!unread.empty() || !dnats.empty())
            return unknown(state, unread.empty() ? fmt::format("this host's DNAT rules for {} could not be read: {}",
                                                                 port_text, dnats.front().rule)
                                                 : fmt::format("this host's rules could not be read: {}", unread.front()));
        return decided(state, Kind::no_host_dnat,
                       fmt::format("this host's rules hold no DNAT for {}: the engine's DOCKER-INGRESS rule, which "
                                   "sends it to ingress_sbox, is gone",
                                   port_text));
    }
    state.evidence.push_back(fmt::format("this host sends it to ingress_sbox: {}", dnat->rule));

    // 2. ingress_sbox marks it by port (mangle PREROUTING); a mark does not end the chain, so
    // the last rule that sets one decides.
    unread.clear();
    const auto marks = rules_in_both<MarkRuleRef>(
        mesh.nftables, mesh.iptables_legacy,
        [&](const nf::Ruleset& r) { return prerouting_mark_rules_for(r, proto, port.published); }, unread);
    const auto mark = std::find_if(marks.rbegin(), marks.rend(), [](const MarkRuleRef& r) { return r.port_known && r.mark; });
    const bool unsure_rule_after = std::any_of(marks.rbegin(), mark, [](const MarkRuleRef& r) { return !r.port_known || !r.mark; });
    if (mark == marks.rend() || unsure_rule_after) {
        if (!unread.empty() || !marks.empty())
            return unknown(state, unread.empty() ? fmt::format("ingress_sbox's mark rule for {} could not be read: {}",
                                                                 port_text, marks.back().rule)
                                                 : fmt::format("ingress_sbox's rules could not be read: {}", unread.front()));
        return decided(state, Kind::no_mark,
                       fmt::format("ingress_sbox ({}) marks no packet to {}: the mangle rule that picks its IPVS "
                                   "service is gone",
                                   mesh.sandbox, port_text));
    }
    state.evidence.push_back(fmt::format("ingress_sbox marks it {:#x} ({}): {}", *mark->mark, *mark->mark, mark->rule));

    // 3. The IPVS service of that mark, and a real server it sends new connections to.
    if (!mesh.ipvs) return unknown(state, fmt::format("ingress_sbox's IPVS services could not be read: {}",
                                                      format_error(mesh.ipvs.error())));
    const auto service = std::find_if(mesh.ipvs->begin(), mesh.ipvs->end(),
                                      [&](const IpvsService& s) { return s.fwmark == *mark->mark; });
    if (service == mesh.ipvs->end())
        return decided(state, Kind::no_ipvs_service,
                       fmt::format("ingress_sbox's IPVS holds no service for mark {} ({} services in all)", *mark->mark,
                                   mesh.ipvs->size()));
    std::vector<std::string> servers;
    for (const auto& d : service->destinations) servers.push_back(destination_text(d));
    const bool serves = std::any_of(service->destinations.begin(), service->destinations.end(),
                                    [](const IpvsDestination& d) { return d.weight > 0; });
    const std::string listing = servers.empty() ? std::string("no real server")
                                                : fmt::format("real servers {}", fmt::join(servers, "; "));
    return decided(state, serves ? Kind::serves : Kind::no_backend,
                   fmt::format("IPVS service {}: {}", ipvs_service_text(*service), listing));
}

}  // namespace dnd::checks
