// Engine API bodies -> Facts structs. Missing optional fields keep their defaults (older
// engines omit some); a field of the wrong type makes the whole body malformed, reported
// with its JSON path. Exceptions stay inside this file: every parser returns a Result.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"
#include "docknetdoctor/model/json_limits.hpp"
#include "docknetdoctor/model/rfc3339.hpp"

namespace dnd {
namespace {

using nlohmann::json;

// Thrown by the accessors below, caught at each parser's boundary.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string_view type_name(const json& j) { return j.type_name(); }

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

json parse_body(std::string_view body) {
    try {
        auto parsed = parse_bounded_json(body, kEngineJsonLimits);
        if (!parsed) throw Malformed("refused: " + parsed.error().message);
        return std::move(*parsed);
    } catch (const json::parse_error& e) {
        // Drop nlohmann's "[json.exception.parse_error.101] " prefix: the user needs the rest.
        std::string what = e.what();
        if (auto pos = what.find("] "); what.starts_with("[json.exception") && pos != std::string::npos)
            what.erase(0, pos + 2);
        throw Malformed(one_line("not JSON: " + what));
    }
}

std::string join_path(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

[[noreturn]] void wrong_type(std::string_view path, std::string_view expected, const json& got) {
    throw Malformed(fmt::format("{}: expected {}, got {}", path, expected, type_name(got)));
}

const json& expect_object(const json& j, std::string_view path) {
    if (!j.is_object()) wrong_type(path.empty() ? "body" : path, "an object", j);
    return j;
}

// The member, or a null value when absent.
const json& member(const json& obj, std::string_view key) {
    static const json null_value;
    auto it = obj.find(key);
    return it == obj.end() ? null_value : *it;
}

// Object member that may be absent or null (both: an empty object).
const json& object_member(const json& obj, std::string_view key, std::string_view path) {
    static const json empty_object = json::object();
    const json& v = member(obj, key);
    if (v.is_null()) return empty_object;
    if (!v.is_object()) wrong_type(join_path(path, key), "an object", v);
    return v;
}

const json& array_member(const json& obj, std::string_view key, std::string_view path) {
    static const json empty_array = json::array();
    const json& v = member(obj, key);
    if (v.is_null()) return empty_array;
    if (!v.is_array()) wrong_type(join_path(path, key), "an array", v);
    return v;
}

std::string string_member(const json& obj, std::string_view key, std::string_view path) {
    const json& v = member(obj, key);
    if (v.is_null()) return {};
    if (!v.is_string()) wrong_type(join_path(path, key), "a string", v);
    return v.get<std::string>();
}

std::string required_string(const json& obj, std::string_view key, std::string_view path) {
    const json& v = member(obj, key);
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
        throw Malformed(fmt::format("{}: missing or not a non-empty string", join_path(path, key)));
    return v.get<std::string>();
}

int int_member(const json& obj, std::string_view key, std::string_view path) {
    const json& v = member(obj, key);
    if (v.is_null()) return 0;
    if (!v.is_number_integer()) wrong_type(join_path(path, key), "an integer", v);
    auto value = v.get<long long>();
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
        throw Malformed(fmt::format("{}: {} is out of range", join_path(path, key), value));
    return static_cast<int>(value);
}

bool bool_member(const json& obj, std::string_view key, std::string_view path) {
    const json& v = member(obj, key);
    if (v.is_null()) return false;
    if (!v.is_boolean()) wrong_type(join_path(path, key), "a boolean", v);
    return v.get<bool>();
}

std::vector<std::string> string_array_member(const json& obj, std::string_view key, std::string_view path) {
    std::vector<std::string> out;
    const json& arr = array_member(obj, key, path);
    for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string()) wrong_type(fmt::format("{}[{}]", join_path(path, key), i), "a string", arr[i]);
        out.push_back(arr[i].get<std::string>());
    }
    return out;
}

std::map<std::string, std::string> string_map_member(const json& obj, std::string_view key, std::string_view path) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : object_member(obj, key, path).items()) {
        if (!v.is_string()) wrong_type(join_path(join_path(path, key), k), "a string", v);
        out.emplace(k, v.get<std::string>());
    }
    return out;
}

// "80/tcp" -> key; nullopt for protocols we do not diagnose (sctp).
std::optional<PortKey> port_key(std::string_view text, std::string_view path) {
    if (text.ends_with("/sctp")) return std::nullopt;
    auto key = parse_port_key(text);
    if (!key) throw Malformed(fmt::format("{}: '{}' is not a port like 80/tcp", path, text));
    return key;
}

// HostPort is a string: "" (the engine picks), "8080", or a range "8000-8010" that the
// engine picks from (also: 0).
std::uint16_t host_port(std::string_view text, std::string_view path) {
    if (text.empty()) return 0;
    const auto dash = text.find('-');
    const auto first = text.substr(0, dash);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(first.data(), first.data() + first.size(), value);
    if (first.empty() || ec != std::errc{} || end != first.data() + first.size() || value > 65535)
        throw Malformed(fmt::format("{}: '{}' is not a port number", path, text));
    if (dash != std::string_view::npos) return 0;  // a range: the engine picks within it
    return static_cast<std::uint16_t>(value);
}

// {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], "9000/tcp": null}
std::map<PortKey, std::vector<HostBinding>> port_map_member(const json& obj, std::string_view key,
                                                            std::string_view path) {
    std::map<PortKey, std::vector<HostBinding>> out;
    const auto map_path = join_path(path, key);
    for (const auto& [port_text, bindings] : object_member(obj, key, path).items()) {
        const auto entry_path = join_path(map_path, port_text);
        auto port = port_key(port_text, entry_path);
        if (!port) continue;
        auto& list = out[*port];  // null bindings: exposed, not published
        if (bindings.is_null()) continue;
        if (!bindings.is_array()) wrong_type(entry_path, "an array or null", bindings);
        for (std::size_t i = 0; i < bindings.size(); ++i) {
            const auto binding_path = fmt::format("{}[{}]", entry_path, i);
            const json& b = expect_object(bindings[i], binding_path);
            HostBinding hb;
            hb.host_ip = string_member(b, "HostIp", binding_path);
            hb.host_port = host_port(string_member(b, "HostPort", binding_path), join_path(binding_path, "HostPort"));
            list.push_back(std::move(hb));
        }
    }
    return out;
}

std::optional<Health> health_member(const json& state) {
    const json& h = member(state, "Health");
    if (h.is_null()) return std::nullopt;
    expect_object(h, "State.Health");
    Health health;
    health.status = string_member(h, "Status", "State.Health");
    health.failing_streak = int_member(h, "FailingStreak", "State.Health");
    const json& log = array_member(h, "Log", "State.Health");
    if (!log.empty()) {
        const auto last_path = fmt::format("State.Health.Log[{}]", log.size() - 1);
        const json& last = expect_object(log.back(), last_path);
        health.last_exit_code = int_member(last, "ExitCode", last_path);
        health.last_output = string_member(last, "Output", last_path);
    }
    return health;
}

ContainerState state_member(const json& root) {
    const json& s = member(root, "State");
    expect_object(s, "State");
    ContainerState st;
    st.status = string_member(s, "Status", "State");
    st.running = bool_member(s, "Running", "State");
    st.paused = bool_member(s, "Paused", "State");
    st.restarting = bool_member(s, "Restarting", "State");
    st.oom_killed = bool_member(s, "OOMKilled", "State");
    st.dead = bool_member(s, "Dead", "State");
    st.pid = int_member(s, "Pid", "State");
    st.exit_code = int_member(s, "ExitCode", "State");
    st.error = string_member(s, "Error", "State");
    st.started_at = string_member(s, "StartedAt", "State");
    st.finished_at = string_member(s, "FinishedAt", "State");
    st.health = health_member(s);
    return st;
}

std::vector<NetworkAttachment> networks_member(const json& settings) {
    std::vector<NetworkAttachment> out;
    constexpr std::string_view base = "NetworkSettings.Networks";
    for (const auto& [name, n] : object_member(settings, "Networks", "NetworkSettings").items()) {
        const auto path = join_path(base, name);
        expect_object(n, path);
        NetworkAttachment a;
        a.network = name;
        a.network_id = string_member(n, "NetworkID", path);
        a.ip_address = string_member(n, "IPAddress", path);
        a.ip_prefix_len = int_member(n, "IPPrefixLen", path);
        a.gateway = string_member(n, "Gateway", path);
        a.global_ipv6 = string_member(n, "GlobalIPv6Address", path);
        a.aliases = string_array_member(n, "Aliases", path);
        out.push_back(std::move(a));
    }
    return out;
}

// Runs a parser body and turns any failure into an Error.
template <class T, class F>
Result<T> guarded(F&& f) {
    try {
        return f();
    } catch (const Malformed& e) {
        return fail(std::string(kDockerApiSource), e.what());
    } catch (const json::exception& e) {
        return fail(std::string(kDockerApiSource), one_line(e.what()));
    }
}

std::string strip_leading_slash(std::string name) {
    if (name.starts_with('/')) name.erase(0, 1);
    return name;
}

}  // namespace

Result<std::vector<ContainerSummary>> parse_container_list(std::string_view body) {
    return guarded<std::vector<ContainerSummary>>([&] {
        json root = parse_body(body);
        if (!root.is_array()) wrong_type("body", "an array", root);
        std::vector<ContainerSummary> out;
        for (std::size_t i = 0; i < root.size(); ++i) {
            const auto path = fmt::format("[{}]", i);
            const json& c = expect_object(root[i], path);
            ContainerSummary s;
            s.id = required_string(c, "Id", path);
            for (auto& n : string_array_member(c, "Names", path)) s.names.push_back(strip_leading_slash(std::move(n)));
            const json& ports = array_member(c, "Ports", path);
            for (std::size_t k = 0; k < ports.size(); ++k) {
                const auto port_path = fmt::format("{}.Ports[{}]", path, k);
                const json& p = expect_object(ports[k], port_path);
                const int public_port = int_member(p, "PublicPort", port_path);  // absent: exposed only
                if (public_port == 0) continue;
                const auto text = fmt::format("{}/{}", public_port, string_member(p, "Type", port_path));
                if (auto key = port_key(text, port_path)) s.published.push_back(*key);
            }
            out.push_back(std::move(s));
        }
        return out;
    });
}

Result<void> parse_version_into(std::string_view body, EngineInfo& engine) {
    auto version = guarded<std::string>([&] {
        json root = parse_body(body);
        return required_string(expect_object(root, ""), "Version", "");
    });
    if (!version) return std::unexpected(version.error());
    engine.server_version = *version;
    return {};
}

Result<void> parse_info_into(std::string_view body, EngineInfo& engine) {
    auto parsed = guarded<EngineInfo>([&] {
        json root = parse_body(body);
        expect_object(root, "");
        EngineInfo info;
        info.os = string_member(root, "OperatingSystem", "");
        info.kernel_version = string_member(root, "KernelVersion", "");
        info.docker_root_dir = string_member(root, "DockerRootDir", "");
        info.security_options = string_array_member(root, "SecurityOptions", "");
        info.warnings = string_array_member(root, "Warnings", "");
        return info;
    });
    if (!parsed) return std::unexpected(parsed.error());
    engine.os = std::move(parsed->os);
    engine.kernel_version = std::move(parsed->kernel_version);
    engine.docker_root_dir = std::move(parsed->docker_root_dir);
    engine.security_options = std::move(parsed->security_options);
    engine.warnings = std::move(parsed->warnings);
    return {};
}

Result<Container> parse_container_inspect(std::string_view body) {
    return guarded<Container>([&] {
        json root = parse_body(body);
        expect_object(root, "");
        Container c;
        c.id = required_string(root, "Id", "");
        c.name = strip_leading_slash(string_member(root, "Name", ""));
        c.created = string_member(root, "Created", "");
        c.state = state_member(root);
        c.restart_count = int_member(root, "RestartCount", "");

        const json& config = object_member(root, "Config", "");
        c.image = string_member(config, "Image", "Config");
        c.tty = bool_member(config, "Tty", "Config");
        c.labels = string_map_member(config, "Labels", "Config");
        for (const auto& [port_text, ignored] : object_member(config, "ExposedPorts", "Config").items()) {
            if (auto key = port_key(port_text, join_path("Config.ExposedPorts", port_text))) c.exposed_ports.push_back(*key);
        }

        const json& host_config = object_member(root, "HostConfig", "");
        c.restart_policy = string_member(object_member(host_config, "RestartPolicy", "HostConfig"), "Name",
                                         "HostConfig.RestartPolicy");
        c.network_mode = string_member(host_config, "NetworkMode", "HostConfig");
        c.port_bindings = port_map_member(host_config, "PortBindings", "HostConfig");
        c.extra_hosts = string_array_member(host_config, "ExtraHosts", "HostConfig");

        const json& settings = object_member(root, "NetworkSettings", "");
        c.ports = port_map_member(settings, "Ports", "NetworkSettings");
        c.networks = networks_member(settings);
        c.sandbox_key = string_member(settings, "SandboxKey", "NetworkSettings");
        return c;
    });
}

Result<NetworkInfo> parse_network_inspect(std::string_view body) {
    return guarded<NetworkInfo>([&] {
        json root = parse_body(body);
        expect_object(root, "");
        NetworkInfo n;
        n.id = required_string(root, "Id", "");
        n.name = string_member(root, "Name", "");
        n.driver = string_member(root, "Driver", "");
        n.scope = string_member(root, "Scope", "");
        n.internal = bool_member(root, "Internal", "");
        n.options = string_map_member(root, "Options", "");
        const json& ipam_config = array_member(object_member(root, "IPAM", ""), "Config", "IPAM");
        for (std::size_t i = 0; i < ipam_config.size(); ++i) {
            const auto path = fmt::format("IPAM.Config[{}]", i);
            const json& entry = expect_object(ipam_config[i], path);
            if (auto subnet = string_member(entry, "Subnet", path); !subnet.empty()) n.subnets.push_back(subnet);
            if (auto gateway = string_member(entry, "Gateway", path); !gateway.empty()) n.gateways.push_back(gateway);
        }
        return n;
    });
}

namespace {

// An event's `time` in seconds, where it fits the nanosecond clock (years 1678 to 2262):
// a larger one would overflow converting to it.
std::chrono::nanoseconds event_seconds(long long seconds, const std::string& path) {
    constexpr long long kLimit = std::chrono::nanoseconds::max().count() / 1'000'000'000;
    if (seconds > kLimit || seconds < -kLimit) throw Malformed(fmt::format("{}.time: {} is out of range", path, seconds));
    return std::chrono::seconds{seconds};
}

}  // namespace

Result<SwarmService> parse_service_inspect(std::string_view body) {
    return guarded<SwarmService>([&] {
        const json root = parse_body(body);
        expect_object(root, "");
        SwarmService service;
        service.id = required_string(root, "ID", "");
        const json& spec = object_member(root, "Spec", "");
        service.name = string_member(spec, "Name", "Spec");
        const json* ports = &array_member(object_member(root, "Endpoint", ""), "Ports", "Endpoint");
        std::string path = "Endpoint.Ports";
        if (ports->empty()) {
            ports = &array_member(object_member(spec, "EndpointSpec", "Spec"), "Ports", "Spec.EndpointSpec");
            path = "Spec.EndpointSpec.Ports";
        }
        std::vector<ServicePort> out;
        for (std::size_t i = 0; i < ports->size(); ++i) {
            const auto at = fmt::format("{}[{}]", path, i);
            const json& p = expect_object((*ports)[i], at);
            ServicePort port;
            const auto protocol = string_member(p, "Protocol", at);
            auto target = port_key(fmt::format("{}/{}", int_member(p, "TargetPort", at), protocol.empty() ? "tcp" : protocol),
                                   join_path(at, "TargetPort"));
            if (!target) continue;  // sctp: not a question this tool asks
            port.target = *target;
            const int published = int_member(p, "PublishedPort", at);
            if (published < 0 || published > 65535)
                throw Malformed(fmt::format("{}.PublishedPort: {} is not a port", at, published));
            port.published = static_cast<std::uint16_t>(published);
            port.mode = string_member(p, "PublishMode", at);
            if (port.mode.empty()) port.mode = "ingress";  // the engine's default
            out.push_back(std::move(port));
        }
        service.ports = std::move(out);
        return service;
    });
}

Result<std::vector<SwarmTask>> parse_task_list(std::string_view body) {
    return guarded<std::vector<SwarmTask>>([&] {
        const json root = parse_body(body);
        if (!root.is_array()) wrong_type("body", "an array", root);
        std::vector<SwarmTask> out;
        for (std::size_t i = 0; i < root.size(); ++i) {
            const auto at = fmt::format("[{}]", i);
            const json& t = expect_object(root[i], at);
            SwarmTask task;
            task.id = required_string(t, "ID", at);
            task.slot = int_member(t, "Slot", at);
            task.node_id = string_member(t, "NodeID", at);
            task.desired_state = string_member(t, "DesiredState", at);
            const json& status = object_member(t, "Status", at);
            const auto status_at = join_path(at, "Status");
            task.state = string_member(status, "State", status_at);
            task.error = string_member(status, "Err", status_at);
            out.push_back(std::move(task));
        }
        return out;
    });
}

namespace {

// "10.0.0.1:2377" -> "10.0.0.1", "[fd00::1]:2377" -> "fd00::1"; an address without a port
// stays as it is.
std::string address_host_part(std::string_view addr) {
    if (addr.starts_with('[')) {
        const auto close = addr.find(']');
        return std::string(close == std::string_view::npos ? addr : addr.substr(1, close - 1));
    }
    const auto colon = addr.rfind(':');
    if (colon == std::string_view::npos || addr.find(':') != colon) return std::string(addr);  // bare IPv6
    return std::string(addr.substr(0, colon));
}

}  // namespace

Result<std::optional<SwarmMembership>> parse_swarm_info(std::string_view body) {
    return guarded<std::optional<SwarmMembership>>([&]() -> std::optional<SwarmMembership> {
        const json root = parse_body(body);
        expect_object(root, "");
        const json& swarm = object_member(root, "Swarm", "");
        if (string_member(swarm, "LocalNodeState", "Swarm") != "active") return std::nullopt;
        SwarmMembership m;
        m.node_id = string_member(swarm, "NodeID", "Swarm");
        m.node_addr = string_member(swarm, "NodeAddr", "Swarm");
        m.manager = bool_member(swarm, "ControlAvailable", "Swarm");
        const json& cluster = object_member(swarm, "Cluster", "Swarm");
        const int port = int_member(cluster, "DataPathPort", "Swarm.Cluster");
        if (port < 0 || port > 65535)
            throw Malformed(fmt::format("Swarm.Cluster.DataPathPort: {} is not a port", port));
        if (port != 0) {
            m.data_path_port = static_cast<std::uint16_t>(port);
            m.data_path_port_known = true;
        } else if (!cluster.empty()) {
            m.data_path_port_known = true;  // a manager told of a cluster without one: the default
        }
        // A worker's view of the others: its managers. A manager lists every node (parse_node_list).
        std::vector<SwarmNode> managers;
        const json& remote = array_member(swarm, "RemoteManagers", "Swarm");
        for (std::size_t i = 0; i < remote.size(); ++i) {
            const auto at = fmt::format("Swarm.RemoteManagers[{}]", i);
            const json& r = expect_object(remote[i], at);
            SwarmNode node;
            node.id = string_member(r, "NodeID", at);
            node.addr = address_host_part(string_member(r, "Addr", at));
            node.manager = true;
            if (node.id != m.node_id) managers.push_back(std::move(node));
        }
        m.nodes = std::move(managers);
        return m;
    });
}

Result<std::vector<SwarmNode>> parse_node_list(std::string_view body, std::string_view self_id) {
    return guarded<std::vector<SwarmNode>>([&] {
        const json root = parse_body(body);
        if (!root.is_array()) wrong_type("body", "an array", root);
        std::vector<SwarmNode> out;
        for (std::size_t i = 0; i < root.size(); ++i) {
            const auto at = fmt::format("[{}]", i);
            const json& n = expect_object(root[i], at);
            SwarmNode node;
            node.id = required_string(n, "ID", at);
            if (node.id == self_id) continue;
            node.hostname = string_member(object_member(n, "Description", at), "Hostname", join_path(at, "Description"));
            node.manager = string_member(object_member(n, "Spec", at), "Role", join_path(at, "Spec")) == "manager";
            const json& status = object_member(n, "Status", at);
            node.state = string_member(status, "State", join_path(at, "Status"));
            node.addr = string_member(status, "Addr", join_path(at, "Status"));
            // A manager's Status.Addr may read 0.0.0.0 or 127.0.0.1; its manager address is
            // where the others reach it.
            const auto manager_addr = address_host_part(
                string_member(object_member(n, "ManagerStatus", at), "Addr", join_path(at, "ManagerStatus")));
            if (!manager_addr.empty()) node.addr = manager_addr;
            out.push_back(std::move(node));
        }
        return out;
    });
}

Result<std::vector<ContainerEvent>> parse_container_events(std::string_view body) {
    return guarded<std::vector<ContainerEvent>>([&] {
        std::vector<ContainerEvent> out;
        std::size_t index = 0;
        for (std::size_t start = 0; start < body.size();) {
            const auto end = std::min(body.find('\n', start), body.size());
            const auto line = body.substr(start, end - start);
            start = end + 1;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
            const auto path = fmt::format("event[{}]", index++);
            const json root = parse_body(line);
            expect_object(root, path);
            ContainerEvent e;
            e.action = string_member(root, "Action", path);
            if (e.action.empty()) e.action = string_member(root, "status", path);  // engines before API 1.22
            const json& nano = member(root, "timeNano");
            const json& whole = member(root, "time");
            if (nano.is_number_integer()) e.time = format_rfc3339(UtcTime{std::chrono::nanoseconds{nano.get<long long>()}}, 9);
            else if (whole.is_number_integer()) e.time = format_rfc3339(UtcTime{event_seconds(whole.get<long long>(), path)}, 9);
            else throw Malformed(fmt::format("{}: no time or timeNano", path));
            const auto actor_path = join_path(path, "Actor");
            const json& attributes = object_member(object_member(root, "Actor", path), "Attributes", actor_path);
            const auto code = string_member(attributes, "exitCode", join_path(actor_path, "Attributes"));
            if (!code.empty()) {
                int value = 0;
                auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), value);
                if (ec != std::errc{} || ptr != code.data() + code.size())
                    throw Malformed(fmt::format("{}.Attributes.exitCode: '{}' is not a number", actor_path, code));
                e.exit_code = value;
            }
            out.push_back(std::move(e));
        }
        return out;
    });
}

Result<EngineEvent> parse_engine_event(std::string_view line) {
    return guarded<EngineEvent>([&] {
        const std::string path = "event";
        const json root = parse_body(line);
        expect_object(root, path);
        EngineEvent e;
        e.type = string_member(root, "Type", path);
        e.action = string_member(root, "Action", path);
        if (e.action.empty()) e.action = string_member(root, "status", path);  // engines before API 1.22
        const json& nano = member(root, "timeNano");
        const json& whole = member(root, "time");
        if (nano.is_number_integer()) e.time_nano = nano.get<long long>();
        else if (whole.is_number_integer()) e.time_nano = event_seconds(whole.get<long long>(), path).count();
        const auto actor_path = join_path(path, "Actor");
        const json& actor = object_member(root, "Actor", path);
        e.actor = string_member(object_member(actor, "Attributes", actor_path), "name", join_path(actor_path, "Attributes"));
        if (e.actor.empty()) e.actor = string_member(actor, "ID", actor_path);
        if (e.actor.empty()) e.actor = string_member(root, "id", path);
        return e;
    });
}

namespace {

// Cut to at most max bytes without splitting a UTF-8 sequence.
std::string cut_line(std::string_view line, std::size_t max) {
    if (line.size() <= max) return std::string(line);
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
    return std::string(line.substr(0, end)) + "...";
}

}  // namespace

Result<std::vector<std::string>> parse_log_tail(std::string_view body, bool multiplexed, std::size_t max_lines) {
    std::string text;
    if (!multiplexed) {
        text = body;
    } else {
        constexpr std::size_t kHeader = 8;
        for (std::size_t pos = 0; pos < body.size();) {
            if (body.size() - pos < kHeader)
                return fail(std::string(kDockerApiSource), fmt::format("log stream: a frame header cut short at byte {}", pos));
            const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(body[pos + i]); };
            if (byte(0) > 2 || byte(1) != 0 || byte(2) != 0 || byte(3) != 0)
                return fail(std::string(kDockerApiSource), fmt::format("log stream: no frame header at byte {}", pos));
            const std::size_t size = (std::size_t{byte(4)} << 24) | (std::size_t{byte(5)} << 16) |
                                     (std::size_t{byte(6)} << 8) | std::size_t{byte(7)};
            pos += kHeader;
            if (body.size() - pos < size)
                return fail(std::string(kDockerApiSource), fmt::format("log stream: a frame cut short at byte {}", pos));
            text.append(body.substr(pos, size));
            pos += size;
        }
    }
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < text.size();) {
        auto end = std::min(text.find('\n', start), text.size());
        std::string_view line(text.data() + start, end - start);
        start = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        if (!line.empty()) lines.push_back(cut_line(line, kLogLineMaxChars));
    }
    if (lines.size() > max_lines) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(max_lines));
    return lines;
}

std::string parse_error_message(std::string_view body) {
    if (!check_json_limits(body, kEngineJsonLimits)) return {};
    json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!root.is_object()) return {};
    auto it = root.find("message");
    if (it == root.end() || !it->is_string()) return {};
    return one_line(it->get<std::string>());
}

}  // namespace dnd
