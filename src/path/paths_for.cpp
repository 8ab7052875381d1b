// The packets a diagnosis evaluates: one per (container port, host binding, client). In host
// network mode the "binding" is the app's own socket on the host (client_bindings): the packet
// goes to the host's address and the app's port, through the input hook.
#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "path_internal.hpp"

namespace dnd {
namespace {

constexpr const char* kOutsideClient4 = "203.0.113.77";  // TEST-NET-3: only evaluated, never sent
constexpr const char* kOutsideClient6 = "2001:db8::77";

// 4 or 6 for a specific address, 0 for a wildcard ("", 0.0.0.0: IPv4; "::": IPv6).
int binding_family(const HostBinding& b) {
    if (b.host_ip.empty() || b.host_ip == "0.0.0.0") return 4;
    if (b.host_ip == "::") return 6;
    auto bytes = path::parse_ip(b.host_ip);
    return bytes ? (bytes->size() == 16 ? 6 : 4) : 0;
}

bool is_specific(const HostBinding& b) { return !is_wildcard_address(b.host_ip); }

bool is_link_local6(const std::string& a) { return a.rfind("fe80:", 0) == 0; }

std::optional<std::string> address_on(const HostNetwork& host, const std::string& ifname, int family) {
    if (!host.addresses) return std::nullopt;
    for (const Address& a : *host.addresses)
        if (a.ifname == ifname && a.family == family && !(family == 6 && is_link_local6(a.address))) return a.address;
    return std::nullopt;
}

// Up, not loopback, not a bridge, not a bridge port (a veth without master stays: a host
// that is itself a container or VM has its uplink there): where other hosts' packets arrive.
std::vector<std::string> external_interfaces(const HostNetwork& host, int family) {
    std::vector<std::string> out;
    if (!host.links) return out;
    for (const Link& l : *host.links) {
        if (!l.up || l.name == "lo" || l.kind == "bridge" || !l.master.empty()) continue;
        if (address_on(host, l.name, family)) out.push_back(l.name);
    }
    return out;
}

// A --from client the host has no route back to: the interface its packets would arrive
// on cannot be derived, so the path is unknown at the routing step, never guessed.
PathResult unroutable_client_path(Packet p, const HostBinding& b, const std::string& route_note) {
    if (is_specific(b)) p.daddr = b.host_ip;
    return path::unknown_at_routing(p, "route to the client",
                                    "unknown: the interface packets from " + p.saddr + " arrive on (" + route_note + ")",
                                    route_note);
}


}  // namespace

Result<std::vector<PathResult>> paths_for(const Facts& facts, const SetLookup& lookup) {
    if (!facts.container) return fail("path", "needs the container (" + facts.container.error().message + ")");
    const HostNetwork& host = facts.host;
    if (!host.links) return fail("path", "needs the host's links (" + host.links.error().message + ")");
    if (!host.addresses) return fail("path", "needs the host's addresses (" + host.addresses.error().message + ")");
    if (!host.routes) return fail("path", "needs the host's routes (" + host.routes.error().message + ")");

    std::vector<PathResult> out;
    for (PortKey port : ports_in_question(facts)) {
        for (const HostBinding& b : client_bindings(facts, port)) {
            if (b.host_port == 0) continue;
            const int family = binding_family(b);
            if (family == 0) continue;
            Packet p;
            p.family = family;
            p.proto = port.proto;
            p.dport = b.host_port;
            if (facts.query.from) {
                auto client = path::parse_ip(*facts.query.from);
                if (!client || static_cast<int>(client->size() == 16 ? 6 : 4) != family) continue;
                p.saddr = *facts.query.from;
                if (facts.query.from_is_local) {
                    p.iif.clear();  // locally generated: output hook, no prerouting
                    p.daddr = is_specific(b) ? b.host_ip : *facts.query.from;
                } else {
                    path::RouteDecision d = path::route_lookup(host, family, *client);
                    if (d.kind != path::RouteDecision::Kind::forward) {
                        // Which interface would its packets arrive on? Not knowable: say so.
                        out.push_back(unroutable_client_path(p, b, d.note));
                        continue;
                    }
                    p.iif = d.oif;
                    auto own = address_on(host, d.oif, family);
                    if (!is_specific(b) && !own) continue;
                    p.daddr = is_specific(b) ? b.host_ip : *own;
                }
                out.push_back(evaluate_path(host, p, lookup));
                continue;
            }
            p.saddr = family == 6 ? kOutsideClient6 : kOutsideClient4;
            for (const std::string& ifname : external_interfaces(host, family)) {
                p.iif = ifname;
                p.daddr = is_specific(b) ? b.host_ip : *address_on(host, ifname, family);
                out.push_back(evaluate_path(host, p, lookup));
            }
        }
    }
    return out;
}

const SetLookupRecord* find_lookup_record(const std::vector<SetLookupRecord>& records, nf::Family family,
                                          const std::string& table, const std::string& set, const nf::Bytes& key) {
    for (const SetLookupRecord& r : records)
        if (r.family == family && r.table == table && r.set == set && r.key == key) return &r;
    return nullptr;
}

SetLookup recorded_lookups(const HostNetwork& host) {
    // Copied: the callback may outlive the HostNetwork it was made from.
    return [records = host.set_lookups](nf::Family family, const std::string& table, const std::string& set,
                                        const nf::Bytes& key) -> std::optional<bool> {
        if (const SetLookupRecord* r = find_lookup_record(records, family, table, set, key)) return r->found;
        return std::nullopt;
    };
}

}  // namespace dnd

