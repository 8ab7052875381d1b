// HostNetwork <-> JSON (the "host" part of a facts file). Absent keys read back as defaults.
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/model/json_util.hpp"

namespace dnd {
namespace {

nf::Family family_of(const nlohmann::json& j) {
    auto f = nf::family_from_string(j.get<std::string>());
    if (!f) throw nlohmann::json::other_error::create(501, "unknown family: " + j.get<std::string>(), &j);
    return *f;
}

}  // namespace

void to_json(nlohmann::json& j, const Link& l) {
    j = {{"index", l.index}, {"name", l.name}, {"kind", l.kind}, {"mtu", l.mtu}, {"up", l.up}, {"master", l.master}};
}
void from_json(const nlohmann::json& j, Link& l) {
    l.index = j.value("index", 0);
    l.name = j.value("name", "");
    l.kind = j.value("kind", "");
    l.mtu = j.value("mtu", 0);
    l.up = j.value("up", false);
    l.master = j.value("master", "");
}

void to_json(nlohmann::json& j, const Address& a) {
    j = {{"ifindex", a.ifindex}, {"ifname", a.ifname}, {"family", a.family}, {"address", a.address},
         {"prefix_len", a.prefix_len}};
}
void from_json(const nlohmann::json& j, Address& a) {
    a.ifindex = j.value("ifindex", 0);
    a.ifname = j.value("ifname", "");
    a.family = j.value("family", 4);
    a.address = j.value("address", "");
    a.prefix_len = j.value("prefix_len", 0);
}

void to_json(nlohmann::json& j, const Route& r) {
    j = {{"family", r.family}, {"destination", r.destination}, {"gateway", r.gateway}, {"oifname", r.oifname},
         {"table", r.table}, {"type", r.type}, {"prefsrc", r.prefsrc}, {"metric", r.metric}};
}
void from_json(const nlohmann::json& j, Route& r) {
    r.family = j.value("family", 4);
    r.destination = j.value("destination", "");
    r.gateway = j.value("gateway", "");
    r.oifname = j.value("oifname", "");
    r.table = j.value("table", 254);
    r.type = j.value("type", "unicast");
    r.prefsrc = j.value("prefsrc", "");
    r.metric = j.value("metric", 0);
}

void to_json(nlohmann::json& j, const DaemonConfig& d) {
    j = {{"pid", d.pid}, {"cmdline", d.cmdline}, {"config_file", d.config_file},
         {"default_bind_ip", d.default_bind_ip}, {"config_error", d.config_error}};
    json_put_optional(j, "iptables", d.iptables);
    json_put_optional(j, "ip_forward", d.ip_forward);
    json_put_optional(j, "userland_proxy", d.userland_proxy);
    json_put_optional(j, "icc", d.icc);
}
void from_json(const nlohmann::json& j, DaemonConfig& d) {
    d.pid = j.value("pid", 0);
    d.cmdline = j.value("cmdline", std::vector<std::string>{});
    d.config_file = j.value("config_file", "");
    d.default_bind_ip = j.value("default_bind_ip", "");
    d.config_error = j.value("config_error", "");
    json_get_optional(j, "iptables", d.iptables);
    json_get_optional(j, "ip_forward", d.ip_forward);
    json_get_optional(j, "userland_proxy", d.userland_proxy);
    json_get_optional(j, "icc", d.icc);
}

void to_json(nlohmann::json& j, const RulesetServices& s) {
    j = {{"nftables_conf", s.nftables_conf}, {"nftables_conf_flushes", s.nftables_conf_flushes},
         {"nftables_enabled_by", s.nftables_enabled_by}, {"firewalld_running", s.firewalld_running}};
}
void from_json(const nlohmann::json& j, RulesetServices& s) {
    s.nftables_conf = j.value("nftables_conf", "");
    s.nftables_conf_flushes = j.value("nftables_conf_flushes", false);
    s.nftables_enabled_by = j.value("nftables_enabled_by", "");
    s.firewalld_running = j.value("firewalld_running", "");
}

void to_json(nlohmann::json& j, const SetLookupRecord& r) {
    j = {{"family", std::string(nf::to_string(r.family))}, {"table", r.table}, {"set", r.set}, {"key", r.key},
         {"found", r.found}};
}
void from_json(const nlohmann::json& j, SetLookupRecord& r) {
    r.family = family_of(j.at("family"));
    r.table = j.at("table").get<std::string>();
    r.set = j.at("set").get<std::string>();
    r.key = j.at("key").get<nf::Bytes>();
    r.found = j.at("found").get<bool>();
}

void to_json(nlohmann::json& j, const HostNetwork& h) {
    j = nlohmann::json::object();
    json_put_result(j, "links", h.links);
    json_put_result(j, "addresses", h.addresses);
    json_put_result(j, "routes", h.routes);
    json_put_result(j, "sysctls", h.sysctls);
    json_put_result(j, "nftables", h.nftables);
    json_put_result(j, "iptables_legacy", h.iptables_legacy);
    json_put_result(j, "daemon", h.daemon);
    json_put_result(j, "ruleset_services", h.ruleset_services);
    json_put_result(j, "ufw", h.ufw);
    json_put_result(j, "firewalld", h.firewalld);
    j["set_lookups"] = h.set_lookups;
}
void from_json(const nlohmann::json& j, HostNetwork& h) {
    json_get_result(j, "links", h.links);
    json_get_result(j, "addresses", h.addresses);
    json_get_result(j, "routes", h.routes);
    json_get_result(j, "sysctls", h.sysctls);
    json_get_result(j, "nftables", h.nftables);
    json_get_result(j, "iptables_legacy", h.iptables_legacy);
    json_get_result(j, "daemon", h.daemon);
    json_get_result(j, "ruleset_services", h.ruleset_services);
    json_get_result(j, "ufw", h.ufw);
    json_get_result(j, "firewalld", h.firewalld);
    h.set_lookups = j.value("set_lookups", std::vector<SetLookupRecord>{});
}

}  // namespace dnd
