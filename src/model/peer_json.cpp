// PeerFacts <-> JSON (the "peer" member of a facts file). Container and NetworkInfo are
// written by facts_json.cpp; they are reached through a Facts carrier so that there is one
// serializer per type.
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/json_util.hpp"

namespace dnd {
namespace {

constexpr const char* kTarget = "target";
constexpr const char* kTargetNetworks = "target_networks";

PeerHostKind parse_kind(const nlohmann::json& j) {
    const auto text = j.get<std::string>();
    for (auto k : {PeerHostKind::name, PeerHostKind::address, PeerHostKind::loopback, PeerHostKind::host_gateway})
        if (to_string(k) == text) return k;
    throw nlohmann::json::other_error::create(501, "bad peer kind: " + text, &j);
}

}  // namespace

void to_json(nlohmann::json& j, const PeerQuery& q) {
    j = nlohmann::json{{"spec", q.spec}, {"host", q.host}, {"port", q.port}};
}
void from_json(const nlohmann::json& j, PeerQuery& q) {
    q.spec = j.at("spec").get<std::string>();
    q.host = j.at("host").get<std::string>();
    q.port = j.at("port").get<std::uint16_t>();
}

void to_json(nlohmann::json& j, const HostsEntry& e) { j = nlohmann::json{{"address", e.address}, {"names", e.names}}; }
void from_json(const nlohmann::json& j, HostsEntry& e) {
    e.address = j.at("address").get<std::string>();
    e.names = j.value("names", std::vector<std::string>{});
}

void to_json(nlohmann::json& j, const DnsAnswer& a) {
    j = nlohmann::json{{"name", a.name}, {"server", a.server}, {"addresses", a.addresses}, {"rcode", a.rcode}};
}
void from_json(const nlohmann::json& j, DnsAnswer& a) {
    a.name = j.at("name").get<std::string>();
    a.server = j.value("server", std::string{});
    a.addresses = j.value("addresses", std::vector<std::string>{});
    a.rcode = j.value("rcode", 0);
}

void to_json(nlohmann::json& j, const PeerFacts& p) {
    Facts carrier;
    carrier.container = p.target;
    carrier.networks = p.target_networks;
    const nlohmann::json carried = facts_to_json(carrier);
    j = nlohmann::json{{"query", p.query},
                       {"kind", to_string(p.kind)},
                       {kTarget, carried.at("container")},
                       {"match", p.match},
                       {kTargetNetworks, carried.at("networks")},
                       {"probe_address_from", p.probe_address_from}};
    json_put_result(j, "target_listeners", p.target_listeners);
    json_put_result(j, "nameservers", p.nameservers);
    json_put_result(j, "hosts", p.hosts);
    json_put_result(j, "dns", p.dns);
    json_put_result(j, "probe", p.probe);
}

void from_json(const nlohmann::json& j, PeerFacts& p) {
    p.query = j.at("query").get<PeerQuery>();
    p.kind = parse_kind(j.at("kind"));
    nlohmann::json carried{{"schema_version", kFactsSchemaVersion}, {"query", nlohmann::json::object()}};
    carried["container"] = j.at(kTarget);
    carried["networks"] = j.at(kTargetNetworks);
    Facts carrier = carried.get<Facts>();
    p.target = std::move(carrier.container);
    p.target_networks = std::move(carrier.networks);
    p.match = j.value("match", std::string{});
    p.probe_address_from = j.value("probe_address_from", std::string{});
    json_get_result(j, "target_listeners", p.target_listeners);
    json_get_result(j, "nameservers", p.nameservers);
    json_get_result(j, "hosts", p.hosts);
    json_get_result(j, "dns", p.dns);
    json_get_result(j, "probe", p.probe);
}

}  // namespace dnd
