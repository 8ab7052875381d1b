// Facts <-> JSON. Member names are the JSON keys; a Result<T> that holds an error is
// written as {"unavailable": {"source": ..., "message": ...}}.
#include <map>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/json_limits.hpp"
#include "docknetdoctor/model/json_util.hpp"
#include "docknetdoctor/model/ruleset_validate.hpp"

namespace dnd {

void to_json(nlohmann::json& j, const Proto& p) { j = std::string(to_string(p)); }
void from_json(const nlohmann::json& j, Proto& p) {
    auto s = j.get<std::string>();
    if (s == "tcp") p = Proto::tcp;
    else if (s == "udp") p = Proto::udp;
    else throw nlohmann::json::other_error::create(501, "bad protocol: " + s, &j);
}

void to_json(nlohmann::json& j, const EngineProcess& p) {
    j = nlohmann::json{{"pid", p.pid}, {"exe", p.exe}, {"found_as", p.found_as}};
    json_put_optional(j, "rootlesskit_state_dir", p.rootlesskit_state_dir);
}
void from_json(const nlohmann::json& j, EngineProcess& p) {
    p.pid = j.value("pid", 0);
    p.exe = j.value("exe", std::string{});
    p.found_as = j.value("found_as", std::string{});
    json_get_optional(j, "rootlesskit_state_dir", p.rootlesskit_state_dir);
}
// Absent optionals mean "not read": no process found, /info not asked.
void to_json(nlohmann::json& j, const EngineInfo& e) {
    j = nlohmann::json{{"server_version", e.server_version}, {"api_version", e.api_version},
                       {"endpoint", e.endpoint},             {"os", e.os},
                       {"kernel_version", e.kernel_version}, {"docker_root_dir", e.docker_root_dir},
                       {"warnings", e.warnings}};
    json_put_optional(j, "process", e.process);
    json_put_optional(j, "security_options", e.security_options);
}
void from_json(const nlohmann::json& j, EngineInfo& e) {
    e.server_version = j.value("server_version", std::string{});
    e.api_version = j.value("api_version", std::string{});
    e.endpoint = j.value("endpoint", std::string{});
    e.os = j.value("os", std::string{});
    e.kernel_version = j.value("kernel_version", std::string{});
    e.docker_root_dir = j.value("docker_root_dir", std::string{});
    e.warnings = j.value("warnings", std::vector<std::string>{});
    json_get_optional(j, "process", e.process);
    json_get_optional(j, "security_options", e.security_options);
}
void to_json(nlohmann::json& j, const HostBinding& b) {
    j = nlohmann::json{{"host_ip", b.host_ip}, {"host_port", b.host_port}};
}
void from_json(const nlohmann::json& j, HostBinding& b) {
    b.host_ip = j.value("host_ip", std::string{});
    b.host_port = j.value("host_port", std::uint16_t{0});
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Health, status, failing_streak, last_exit_code,
                                                last_output)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NetworkAttachment, network, network_id,
                                                ip_address, ip_prefix_len, gateway, global_ipv6,
                                                aliases)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NetworkInfo, id, name, driver, scope, internal,
                                                options, subnets, gateways)
// cgroup only when known: facts files written before it was recorded load unchanged.
void to_json(nlohmann::json& j, const SocketOwner& o) {
    j = nlohmann::json{{"pid", o.pid}, {"process", o.process}};
    if (!o.cgroup.empty()) j["cgroup"] = o.cgroup;
}
void from_json(const nlohmann::json& j, SocketOwner& o) {
    o.pid = j.value("pid", 0);
    o.process = j.value("process", std::string{});
    o.cgroup = j.value("cgroup", std::string{});
}
void to_json(nlohmann::json& j, const Listener& l) {
    j = nlohmann::json{{"proto", l.proto}, {"family", l.family}, {"address", l.address},
                       {"port", l.port},   {"inode", l.inode},   {"owners", l.owners}};
}
void from_json(const nlohmann::json& j, Listener& l) {
    l.proto = j.value("proto", Proto::tcp);
    l.family = j.value("family", 4);
    l.address = j.value("address", std::string{});
    l.port = j.value("port", std::uint16_t{0});
    l.inode = j.value("inode", 0UL);
    l.owners = j.value("owners", std::vector<SocketOwner>{});
}

void to_json(nlohmann::json& j, const Error& e) {
    j = nlohmann::json{{"source", e.source}, {"message", e.message}};
}
void from_json(const nlohmann::json& j, Error& e) {
    e.source = j.at("source").get<std::string>();
    e.message = j.at("message").get<std::string>();
}

void to_json(nlohmann::json& j, const PortKey& p) { j = p.str(); }
void from_json(const nlohmann::json& j, PortKey& p) {
    auto parsed = parse_port_key(j.get<std::string>());
    if (!parsed) throw nlohmann::json::other_error::create(501, "bad port key: " + j.get<std::string>(), &j);
    p = *parsed;
}

void to_json(nlohmann::json& j, const ContainerState& s) {
    j = nlohmann::json{{"status", s.status},         {"running", s.running},
                       {"paused", s.paused},         {"restarting", s.restarting},
                       {"oom_killed", s.oom_killed}, {"dead", s.dead},
                       {"pid", s.pid},               {"exit_code", s.exit_code},
                       {"error", s.error},           {"started_at", s.started_at},
                       {"finished_at", s.finished_at}};
    json_put_optional(j, "health", s.health);
}
void from_json(const nlohmann::json& j, ContainerState& s) {
    ContainerState d;
    s.status = j.value("status", d.status);
    s.running = j.value("running", d.running);
    s.paused = j.value("paused", d.paused);
    s.restarting = j.value("restarting", d.restarting);
    s.oom_killed = j.value("oom_killed", d.oom_killed);
    s.dead = j.value("dead", d.dead);
    s.pid = j.value("pid", d.pid);
    s.exit_code = j.value("exit_code", d.exit_code);
    s.error = j.value("error", d.error);
    s.started_at = j.value("started_at", d.started_at);
    s.finished_at = j.value("finished_at", d.finished_at);
    json_get_optional(j, "health", s.health);
}

void to_json(nlohmann::json& j, const Container& c) {
    j = nlohmann::json{{"id", c.id},
                       {"name", c.name},
                       {"image", c.image},
                       {"created", c.created},
                       {"state", c.state},
                       {"restart_count", c.restart_count},
                       {"restart_policy", c.restart_policy},
                       {"network_mode", c.network_mode},
                       {"port_bindings", port_map_to_json(c.port_bindings)},
                       {"ports", port_map_to_json(c.ports)},
                       {"exposed_ports", c.exposed_ports},
                       {"networks", c.networks},
                       {"labels", c.labels},
                       {"extra_hosts", c.extra_hosts},
                       {"tty", c.tty},
                       {"sandbox_key", c.sandbox_key}};
}
void from_json(const nlohmann::json& j, Container& c) {
    c.id = j.value("id", std::string{});
    c.name = j.value("name", std::string{});
    c.image = j.value("image", std::string{});
    c.created = j.value("created", std::string{});
    c.state = j.value("state", ContainerState{});
    c.restart_count = j.value("restart_count", 0);
    c.restart_policy = j.value("restart_policy", std::string{});
    c.network_mode = j.value("network_mode", std::string{});
    c.port_bindings = port_map_from_json(j.value("port_bindings", nlohmann::json::object()));
    c.ports = port_map_from_json(j.value("ports", nlohmann::json::object()));
    c.exposed_ports = j.value("exposed_ports", std::vector<PortKey>{});
    c.networks = j.value("networks", std::vector<NetworkAttachment>{});
    c.labels = j.value("labels", std::map<std::string, std::string>{});
    c.extra_hosts = j.value("extra_hosts", std::vector<std::string>{});
    c.tty = j.value("tty", false);
    c.sandbox_key = j.value("sandbox_key", std::string{});
}

void to_json(nlohmann::json& j, const ContainerEvent& e) {
    j = nlohmann::json{{"action", e.action}, {"time", e.time}};
    json_put_optional(j, "exit_code", e.exit_code);
}
void from_json(const nlohmann::json& j, ContainerEvent& e) {
    e.action = j.value("action", std::string{});
    e.time = j.value("time", std::string{});
    json_get_optional(j, "exit_code", e.exit_code);
}

void to_json(nlohmann::json& j, const RestartHistory& h) {
    j = nlohmann::json{{"since", h.since}, {"until", h.until}};
    json_put_result(j, "events", h.events);
    json_put_result(j, "log_tail", h.log_tail);
}
void from_json(const nlohmann::json& j, RestartHistory& h) {
    h.since = j.value("since", std::string{});
    h.until = j.value("until", std::string{});
    json_get_result(j, "events", h.events);
    json_get_result(j, "log_tail", h.log_tail);
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServicePort, target, published, mode)

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SwarmTask, id, slot, node_id, desired_state, state, error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IpvsDestination, addr, port, weight, active_connections,
                                                inactive_connections)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IpvsService, family, fwmark, protocol, addr, port, scheduler, destinations)

void to_json(nlohmann::json& j, const RoutingMesh& m) {
    j = nlohmann::json{{"sandbox", m.sandbox}};
    json_put_result(j, "nftables", m.nftables);
    json_put_result(j, "iptables_legacy", m.iptables_legacy);
    json_put_result(j, "ipvs", m.ipvs);
}
void from_json(const nlohmann::json& j, RoutingMesh& m) {
    m.sandbox = j.value("sandbox", std::string{});
    json_get_result(j, "nftables", m.nftables);
    json_get_result(j, "iptables_legacy", m.iptables_legacy);
    json_get_result(j, "ipvs", m.ipvs);
}

void to_json(nlohmann::json& j, const SwarmService& s) {
    j = nlohmann::json{{"id", s.id}, {"name", s.name}};
    json_put_result(j, "ports", s.ports);
    json_put_result(j, "kernel_has_ipvs", s.kernel_has_ipvs);
    json_put_result(j, "mesh", s.mesh);
    json_put_result(j, "tasks", s.tasks);
}
void from_json(const nlohmann::json& j, SwarmService& s) {
    s.id = j.value("id", std::string{});
    s.name = j.value("name", std::string{});
    json_get_result(j, "ports", s.ports);
    json_get_result(j, "kernel_has_ipvs", s.kernel_has_ipvs);
    json_get_result(j, "mesh", s.mesh);
    json_get_result(j, "tasks", s.tasks);
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SwarmNode, id, hostname, addr, manager, state)

void to_json(nlohmann::json& j, const SwarmMembership& m) {
    j = nlohmann::json{{"node_id", m.node_id},
                       {"node_addr", m.node_addr},
                       {"manager", m.manager},
                       {"data_path_port", m.data_path_port},
                       {"data_path_port_known", m.data_path_port_known}};
    json_put_result(j, "nodes", m.nodes);
    json_put_result(j, "paths", m.paths);
    json_put_result(j, "probes", m.probes);
}
void from_json(const nlohmann::json& j, SwarmMembership& m) {
    m.node_id = j.value("node_id", std::string{});
    m.node_addr = j.value("node_addr", std::string{});
    m.manager = j.value("manager", false);
    m.data_path_port = j.value("data_path_port", std::uint16_t{4789});
    m.data_path_port_known = j.value("data_path_port_known", false);
    json_get_result(j, "nodes", m.nodes);
    json_get_result(j, "paths", m.paths);
    if (j.contains("probes")) json_get_result(j, "probes", m.probes);
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VanishedProcess, pid, during, status_before, started_at_before)

void to_json(nlohmann::json& j, const LadderProbe& p) {
    j = p.probe;  // target, outcome, latency_ms, detail
    j["port"] = p.port;
    j["rung"] = to_string(p.rung);
}
void from_json(const nlohmann::json& j, LadderProbe& p) {
    j.get_to(p.probe);
    j.at("port").get_to(p.port);
    const auto rung = j.at("rung").get<std::string>();
    auto parsed = parse_rung(rung);
    if (!parsed) throw nlohmann::json::other_error::create(501, "bad probe rung: " + rung, &j);
    p.rung = *parsed;
}

nlohmann::json port_map_to_json(const std::map<PortKey, std::vector<HostBinding>>& m) {
    auto j = nlohmann::json::object();
    for (const auto& [key, bindings] : m) j[key.str()] = bindings;
    return j;
}
std::map<PortKey, std::vector<HostBinding>> port_map_from_json(const nlohmann::json& j) {
    std::map<PortKey, std::vector<HostBinding>> m;
    for (const auto& [key, value] : j.items()) {
        PortKey p;
        from_json(nlohmann::json(key), p);
        m[p] = value.is_null() ? std::vector<HostBinding>{} : value.get<std::vector<HostBinding>>();
    }
    return m;
}

void to_json(nlohmann::json& j, const Query& q) {
    j = nlohmann::json{{"container", q.container}, {"from_is_local", q.from_is_local}};
    json_put_optional(j, "port", q.port);
    json_put_optional(j, "from", q.from);
    json_put_optional(j, "to", q.to);
    if (q.direct) j["direct"] = true;
}
void from_json(const nlohmann::json& j, Query& q) {
    q.container = j.value("container", std::string{});
    q.from_is_local = j.value("from_is_local", false);
    json_get_optional(j, "port", q.port);
    json_get_optional(j, "from", q.from);
    json_get_optional(j, "to", q.to);
    q.direct = j.value("direct", false);
}

void to_json(nlohmann::json& j, const Facts& f) {
    j = nlohmann::json{{"schema_version", f.schema_version},
                       {"tool_version", f.tool_version},
                       {"collected_at", f.collected_at},
                       {"query", f.query}};
    json_put_result(j, "engine", f.engine);
    json_put_result(j, "container", f.container);
    json_put_result(j, "networks", f.networks);
    json_put_result(j, "container_listeners", f.container_listeners);
    json_put_result(j, "host_listeners", f.host_listeners.result());
    j["host"] = *f.host;
    json_put_result(j, "paths", f.paths);
    json_put_result(j, "probes", f.probes);
    json_put_optional(j, "peer", f.peer);
    json_put_result(j, "selinux", f.selinux);
    json_put_optional(j, "vanished_process", f.vanished_process);
    json_put_optional(j, "restart_history", f.restart_history);
    json_put_optional(j, "swarm_service", f.swarm_service);
    json_put_optional(j, "swarm", f.swarm);
    if (f.conntrack) json_put_result(j, "conntrack", *f.conntrack);
}

void from_json(const nlohmann::json& j, Facts& f) {
    f.schema_version = j.at("schema_version").get<int>();
    if (f.schema_version > kFactsSchemaVersion)
        throw nlohmann::json::other_error::create(
            502, "facts schema_version " + std::to_string(f.schema_version) + " is newer than this docknetdoctor reads", &j);
    f.tool_version = j.value("tool_version", std::string{});
    f.collected_at = j.value("collected_at", std::string{});
    f.query = j.at("query").get<Query>();
    json_get_result(j, "engine", f.engine);
    json_get_result(j, "container", f.container);
    json_get_result(j, "networks", f.networks);
    json_get_result(j, "container_listeners", f.container_listeners);
    Result<std::vector<Listener>> host_listeners = fail("procfs", "not collected");
    json_get_result(j, "host_listeners", host_listeners);
    f.host_listeners = std::move(host_listeners);
    if (auto it = j.find("host"); it != j.end()) f.host = it->get<HostNetwork>();  // older files: not collected
    json_get_result(j, "paths", f.paths);
    // Facts saved before the ladder existed (or with --no-probe) simply have no probes.
    if (j.contains("probes")) json_get_result(j, "probes", f.probes);
    else f.probes = fail("probe", "not in the facts file (saved without probes)");
    json_get_optional(j, "peer", f.peer);
    json_get_result(j, "selinux", f.selinux);
    json_get_optional(j, "vanished_process", f.vanished_process);
    json_get_optional(j, "restart_history", f.restart_history);
    json_get_optional(j, "swarm_service", f.swarm_service);
    json_get_optional(j, "swarm", f.swarm);
    if (j.contains("conntrack")) {
        Result<std::vector<ConntrackEntry>> entries = fail("conntrack", kNotCollected);
        json_get_result(j, "conntrack", entries);
        if (entries) {
            std::map<PortKey, std::size_t> per_port;
            for (const ConntrackEntry& e : *entries)
                if (++per_port[PortKey{e.orig_dport, e.proto}] > kMaxConntrackEntries)
                    throw nlohmann::json::other_error::create(501, "conntrack: more entries to a port than a collection keeps", &j);
        }
        f.conntrack = std::move(entries);
    }
}

nlohmann::json facts_to_json(const Facts& f) { return nlohmann::json(f); }

namespace {

// What the evaluator and the checks read from outside bytes, held to what the kernel holds.
Result<void> validate_facts(const Facts& f) {
    if (f.host->nftables)
        if (auto valid = nf::validate_ruleset(*f.host->nftables, "host.nftables"); !valid) return valid;
    if (f.host->iptables_legacy)
        if (auto valid = nf::validate_ruleset(*f.host->iptables_legacy, "host.iptables_legacy"); !valid) return valid;
    return {};
}

}  // namespace

Result<Facts> facts_from_json(const nlohmann::json& j) {
    try {
        if (!j.is_object()) return fail("facts-file", "not a facts object (expected a JSON object)");
        auto facts = j.get<Facts>();
        if (auto valid = validate_facts(facts); !valid) return std::unexpected(valid.error());
        return facts;
    } catch (const nlohmann::json::exception& e) {
        return fail("facts-file", std::string("malformed facts: ") + e.what());
    }
}

Result<Facts> facts_from_json_text(std::string_view text) {
    try {
        auto parsed = parse_bounded_json(text, kFactsJsonLimits);
        if (!parsed) return fail("facts-file", "refused: " + parsed.error().message);
        return facts_from_json(*parsed);
    } catch (const nlohmann::json::exception& e) {
        return fail("facts-file", std::string("malformed facts: ") + e.what());
    }
}

}  // namespace dnd
