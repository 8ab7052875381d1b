// SelinuxState: names, the context type, and JSON both ways (--save-facts / --facts).
#include "docknetdoctor/model/selinux.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_util.hpp"

namespace dnd {
namespace {

constexpr std::array<std::pair<ProcessRole, std::string_view>, 4> kRoleNames{{
    {ProcessRole::container_app, "container app"},
    {ProcessRole::docker_proxy, "docker-proxy"},
    {ProcessRole::dockerd, "dockerd"},
    {ProcessRole::host_client, "host client"},
}};

}  // namespace

std::string_view to_string(ProcessRole r) {
    for (const auto& [role, name] : kRoleNames)
        if (role == r) return name;
    return "container app";
}

std::optional<ProcessRole> parse_process_role(std::string_view s) {
    for (const auto& [role, name] : kRoleNames)
        if (name == s) return role;
    return std::nullopt;
}

std::string_view context_type(std::string_view context) {
    // user:role:type[:level], and the level may hold further colons (s0:c1,c2).
    const auto first = context.find(':');
    if (first == std::string_view::npos) return {};
    const auto second = context.find(':', first + 1);
    if (second == std::string_view::npos) return {};
    const auto third = context.find(':', second + 1);
    return context.substr(second + 1, third == std::string_view::npos ? std::string_view::npos : third - second - 1);
}

const SelinuxBoolean* SelinuxState::boolean(std::string_view name) const {
    auto it = std::find_if(booleans.begin(), booleans.end(), [&](const SelinuxBoolean& b) { return b.name == name; });
    return it == booleans.end() ? nullptr : &*it;
}

void to_json(nlohmann::json& j, const SelinuxBoolean& b) {
    j = {{"name", b.name}, {"current", b.current}, {"pending", b.pending}};
}
void from_json(const nlohmann::json& j, SelinuxBoolean& b) {
    b.name = j.at("name").get<std::string>();
    b.current = j.at("current").get<bool>();
    b.pending = j.at("pending").get<bool>();
}

void to_json(nlohmann::json& j, const LabelledProcess& p) {
    j = {{"pid", p.pid}, {"comm", p.comm}, {"role", to_string(p.role)}, {"label", p.label}};
    if (!p.connection.empty()) {
        j["connection"] = p.connection;
        j["remote_port"] = p.remote_port;
    }
}
void from_json(const nlohmann::json& j, LabelledProcess& p) {
    p.pid = j.at("pid").get<int>();
    p.comm = j.at("comm").get<std::string>();
    const auto role = j.at("role").get<std::string>();
    auto parsed = parse_process_role(role);
    if (!parsed) throw nlohmann::json::other_error::create(501, "unknown process role: " + role, &j);
    p.role = *parsed;
    p.label = j.at("label").get<std::string>();
    p.connection = j.value("connection", std::string{});
    p.remote_port = j.value("remote_port", std::uint16_t{0});
}

void to_json(nlohmann::json& j, const AvcDenial& d) {
    j = {{"record", d.record},       {"form", d.form},         {"permissions", d.permissions},
         {"pid", d.pid},             {"comm", d.comm},         {"laddr", d.laddr},
         {"faddr", d.faddr},         {"scontext", d.scontext}, {"tcontext", d.tcontext},
         {"tclass", d.tclass}};
    json_put_optional(j, "time", d.time);
    json_put_optional(j, "dest", d.dest);
    json_put_optional(j, "src", d.src);
    json_put_optional(j, "permissive", d.permissive);
}
void from_json(const nlohmann::json& j, AvcDenial& d) {
    d.record = j.at("record").get<std::string>();
    d.form = j.at("form").get<std::string>();
    d.permissions = j.at("permissions").get<std::vector<std::string>>();
    d.pid = j.at("pid").get<int>();
    d.comm = j.at("comm").get<std::string>();
    d.laddr = j.at("laddr").get<std::string>();
    d.faddr = j.at("faddr").get<std::string>();
    d.scontext = j.at("scontext").get<std::string>();
    d.tcontext = j.at("tcontext").get<std::string>();
    d.tclass = j.at("tclass").get<std::string>();
    json_get_optional(j, "time", d.time);
    json_get_optional(j, "dest", d.dest);
    json_get_optional(j, "src", d.src);
    json_get_optional(j, "permissive", d.permissive);
}

void to_json(nlohmann::json& j, const AvcLog& l) {
    j = {{"source", l.source},       {"since", l.since},           {"bytes_read", l.bytes_read},
         {"tail_only", l.tail_only}, {"skipped_lines", l.skipped_lines}, {"denials", l.denials}};
}
void from_json(const nlohmann::json& j, AvcLog& l) {
    l.source = j.at("source").get<std::string>();
    l.since = j.at("since").get<std::string>();
    l.bytes_read = j.at("bytes_read").get<std::uint64_t>();
    l.tail_only = j.at("tail_only").get<bool>();
    l.skipped_lines = j.at("skipped_lines").get<int>();
    l.denials = j.at("denials").get<std::vector<AvcDenial>>();
}

void to_json(nlohmann::json& j, const SelinuxState& s) {
    j = {{"enabled", s.enabled}, {"not_enabled_why", s.not_enabled_why}, {"enforcing", s.enforcing},
         {"config_mode", s.config_mode}, {"policy_type", s.policy_type}, {"booleans", s.booleans},
         {"processes", s.processes}};
    json_put_result(j, "denials", s.denials);
}
void from_json(const nlohmann::json& j, SelinuxState& s) {
    s.enabled = j.at("enabled").get<bool>();
    s.not_enabled_why = j.at("not_enabled_why").get<std::string>();
    s.enforcing = j.at("enforcing").get<bool>();
    s.config_mode = j.at("config_mode").get<std::string>();
    s.policy_type = j.at("policy_type").get<std::string>();
    s.booleans = j.at("booleans").get<std::vector<SelinuxBoolean>>();
    s.processes = j.at("processes").get<std::vector<LabelledProcess>>();
    json_get_result(j, "denials", s.denials);
}

}  // namespace dnd
