// firewalld's runtime state over D-Bus (see firewalld_collect.hpp): two rounds of calls, each
// sent at once, the second asking for the settings of the zones and policies the first named.
#include <cstdlib>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "sd_bus.hpp"

namespace dnd {
namespace {

constexpr const char* kSource = "firewalld";
constexpr const char* kService = "org.fedoraproject.FirewallD1";
constexpr const char* kPath = "/org/fedoraproject/FirewallD1";
constexpr const char* kConfigPath = "/org/fedoraproject/FirewallD1/config";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";

BusCall firewalld_call(const char* interface, const char* member, std::string argument = "") {
    return BusCall{kService, kPath, interface, member, std::move(argument)};
}

// Reading one reply's values in order. A value of another type than expected fails the read.
class Reader {
public:
    Reader(const SdBusApi& api, sd_bus_message* m) : api_(api), m_(m) {}

    Result<std::string> string() {
        const char* value = nullptr;
        if (const int r = api_.read_basic(m_, 's', &value); r <= 0) return failed("a string", r);
        return std::string(value);
    }

    Result<bool> boolean() {
        int value = 0;
        if (const int r = api_.read_basic(m_, 'b', &value); r <= 0) return failed("a boolean", r);
        return value != 0;
    }

    Result<int> int32() {
        int32_t value = 0;
        if (const int r = api_.read_basic(m_, 'i', &value); r <= 0) return failed("an integer", r);
        return value;
    }

    Result<std::vector<std::string>> strings() {
        char** list = nullptr;
        if (const int r = api_.read_strv(m_, &list); r < 0) return failed("a string list", r);
        std::vector<std::string> values;
        for (char** item = list; item != nullptr && *item != nullptr; ++item) {
            values.emplace_back(*item);
            std::free(*item);
        }
        std::free(list);
        return values;
    }

    // An array of structs of n strings ("a(ss)", "a(ssss)").
    Result<std::vector<std::vector<std::string>>> string_tuples(std::size_t n) {
        const std::string fields(n, 's');
        if (const int r = api_.enter_container(m_, 'a', ("(" + fields + ")").c_str()); r <= 0) return failed("an array", r);
        std::vector<std::vector<std::string>> tuples;
        for (;;) {
            const int r = api_.enter_container(m_, 'r', fields.c_str());
            if (r < 0) return failed("a struct", r);
            if (r == 0) break;
            std::vector<std::string>& tuple = tuples.emplace_back();
            for (std::size_t i = 0; i < n; ++i) {
                auto value = string();
                if (!value) return std::unexpected(value.error());
                tuple.push_back(std::move(*value));
            }
            api_.exit_container(m_);
        }
        api_.exit_container(m_);
        return tuples;
    }

    // An "a{sv}": calls read(key, signature) at each value, inside its variant; read returns
    // false to have the value skipped.
    template <class ReadValue>
    Result<void> dictionary(ReadValue read) {
        if (const int r = api_.enter_container(m_, 'a', "{sv}"); r <= 0) return failed("a dictionary", r);
        for (;;) {
            const int r = api_.enter_container(m_, 'e', "sv");
            if (r < 0) return failed("a dictionary entry", r);
            if (r == 0) break;
            auto key = string();
            if (!key) return std::unexpected(key.error());
            char type = 0;
            const char* signature = nullptr;
            if (const int p = api_.peek_type(m_, &type, &signature); p <= 0 || type != 'v' || signature == nullptr)
                return failed("a variant", p);
            if (const int e = api_.enter_container(m_, 'v', signature); e <= 0) return failed("a variant", e);
            auto taken = read(*key, std::string_view(signature));
            if (!taken) return std::unexpected(taken.error());
            if (!*taken && api_.skip(m_, signature) < 0) return failed("a value", -EBADMSG);
            api_.exit_container(m_);
            api_.exit_container(m_);
        }
        api_.exit_container(m_);
        return {};
    }

    // An "a{sa{sas}}" (getActiveZones, getActivePolicies): name -> key -> strings.
    Result<std::map<std::string, std::map<std::string, std::vector<std::string>>>> nested_string_lists() {
        std::map<std::string, std::map<std::string, std::vector<std::string>>> all;
        if (const int r = api_.enter_container(m_, 'a', "{sa{sas}}"); r <= 0) return failed("a dictionary", r);
        for (;;) {
            const int r = api_.enter_container(m_, 'e', "sa{sas}");
            if (r < 0) return failed("a dictionary entry", r);
            if (r == 0) break;
            auto name = string();
            if (!name) return std::unexpected(name.error());
            auto& lists = all[*name];
            if (const int a = api_.enter_container(m_, 'a', "{sas}"); a <= 0) return failed("a dictionary", a);
            for (;;) {
                const int e = api_.enter_container(m_, 'e', "sas");
                if (e < 0) return failed("a dictionary entry", e);
                if (e == 0) break;
                auto key = string();
                auto values = key ? strings() : std::unexpected(key.error());
                if (!values) return std::unexpected(values.error());
                lists[*key] = std::move(*values);
                api_.exit_container(m_);
            }
            api_.exit_container(m_);
            api_.exit_container(m_);
        }
        api_.exit_container(m_);
        return all;
    }

private:
    std::unexpected<Error> failed(std::string_view expected, int r) const {
        return std::unexpected(Error{kSource, fmt::format("a reply of firewalld's was not as expected ({}): {}", expected,
                                                          r < 0 ? std::strerror(-r) : "missing")});
    }

    const SdBusApi& api_;
    sd_bus_message* m_;
};

// A value read into its slot: true (taken), or the read's error.
template <class Value, class Slot>
Result<bool> put(Result<Value> value, Slot& slot) {
    if (!value) return std::unexpected(value.error());
    slot = std::move(*value);
    return true;
}

// The settings shared by a zone's and a policy's dictionary; false for the other keys.
Result<bool> read_rules_setting(Reader& reader, std::string_view key, std::string_view signature, FirewalldRules& rules) {
    if (key == "target" && signature == "s") return put(reader.string(), rules.target);
    if (key == "services" && signature == "as") return put(reader.strings(), rules.services);
    // A zone names its rich rules rules_str, a policy rich_rules.
    if ((key == "rules_str" || key == "rich_rules") && signature == "as") return put(reader.strings(), rules.rich_rules);
    if (key == "masquerade" && signature == "b") return put(reader.boolean(), rules.masquerade);
    if (key == "ports" && signature == "a(ss)") {
        auto ports = reader.string_tuples(2);
        if (!ports) return std::unexpected(ports.error());
        for (const auto& p : *ports) rules.ports.push_back(p[0] + "/" + p[1]);
        return true;
    }
    if (key == "forward_ports" && signature == "a(ssss)") {
        auto forwards = reader.string_tuples(4);
        if (!forwards) return std::unexpected(forwards.error());
        for (const auto& f : *forwards) rules.forward_ports.push_back({f[0], f[1], f[2], f[3]});
        return true;
    }
    return false;
}

Result<FirewalldZone> zone_from(const SdBusApi& api, sd_bus_message* m, const std::string& name) {
    FirewalldZone zone;
    zone.name = name;
    Reader reader(api, m);
    auto read = reader.dictionary([&](const std::string& key, std::string_view signature) -> Result<bool> {
        if (key == "interfaces" && signature == "as") return put(reader.strings(), zone.interfaces);
        if (key == "sources" && signature == "as") return put(reader.strings(), zone.sources);
        if (key == "forward" && signature == "b") return put(reader.boolean(), zone.forward);
        return read_rules_setting(reader, key, signature, zone.rules);
    });
    if (!read) return std::unexpected(read.error());
    return zone;
}

Result<FirewalldPolicy> policy_from(const SdBusApi& api, sd_bus_message* m, const std::string& name) {
    FirewalldPolicy policy;
    policy.name = name;
    Reader reader(api, m);
    auto read = reader.dictionary([&](const std::string& key, std::string_view signature) -> Result<bool> {
        if (key == "ingress_zones" && signature == "as") return put(reader.strings(), policy.ingress_zones);
        if (key == "egress_zones" && signature == "as") return put(reader.strings(), policy.egress_zones);
        if (key == "priority" && signature == "i") return put(reader.int32(), policy.priority);
        return read_rules_setting(reader, key, signature, policy.rules);
    });
    if (!read) return std::unexpected(read.error());
    return policy;
}

// Properties the diagnosis uses, from a GetAll reply: strings, and booleans as "yes"/"no".
Result<std::map<std::string, std::string>> properties_from(const SdBusApi& api, sd_bus_message* m) {
    std::map<std::string, std::string> properties;
    Reader reader(api, m);
    auto read = reader.dictionary([&](const std::string& key, std::string_view signature) -> Result<bool> {
        if (signature == "s") return put(reader.string(), properties[key]);
        if (signature == "b") {
            auto value = reader.boolean();
            if (!value) return std::unexpected(value.error());
            properties[key] = *value ? "yes" : "no";
            return true;
        }
        return false;
    });
    if (!read) return std::unexpected(read.error());
    return properties;
}

// A zone or policy named but gone by the time it was asked for (or Docker's, when there is
// none): firewalld answers INVALID_ZONE / INVALID_POLICY.
bool is_invalid_name(const Error& e) {
    return e.message.find("INVALID_ZONE") != std::string::npos || e.message.find("INVALID_POLICY") != std::string::npos;
}

}  // namespace

Result<FirewalldState> read_firewalld_runtime(const FirewalldReadOptions& options) {
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    auto api = load_sd_bus_api(kSource);
    if (!api) return std::unexpected(api.error());
    auto bus = BusConnection::open(**api, options.bus_address, kSource);
    if (!bus) return std::unexpected(bus.error());

    auto first = bus->call_all({firewalld_call(kService, "getDefaultZone"),
                                firewalld_call("org.fedoraproject.FirewallD1.zone", "getActiveZones"),
                                firewalld_call("org.fedoraproject.FirewallD1.policy", "getActivePolicies"),
                                firewalld_call(kProperties, "GetAll", kService),
                                BusCall{kService, kConfigPath, kProperties, "GetAll", "org.fedoraproject.FirewallD1.config"}},
                               deadline);
    const auto on_bus = [&options](const Error& e) {
        return std::unexpected(Error{kSource, fmt::format("the system bus at {}: {}", options.bus_address, e.message)});
    };
    if (!first) return on_bus(first.error());
    for (const auto& reply : *first)
        if (!reply) return on_bus(reply.error());
    FirewalldState state;
    state.source = FirewalldSource::runtime;
    state.bus_address = options.bus_address;
    auto default_zone = Reader(**api, (*first)[0]->get()).string();
    auto active_zones = Reader(**api, (*first)[1]->get()).nested_string_lists();
    auto active_policies = Reader(**api, (*first)[2]->get()).nested_string_lists();
    auto daemon = properties_from(**api, (*first)[3]->get());
    auto config = properties_from(**api, (*first)[4]->get());
    for (const Error* e : {default_zone ? nullptr : &default_zone.error(), active_zones ? nullptr : &active_zones.error(),
                           active_policies ? nullptr : &active_policies.error(), daemon ? nullptr : &daemon.error(),
                           config ? nullptr : &config.error()})
        if (e != nullptr) return std::unexpected(*e);
    state.default_zone = *default_zone;
    state.version = (*daemon)["version"];
    state.backend = (*config)["FirewallBackend"];
    if (const auto strict = config->find("StrictForwardPorts"); strict != config->end())
        state.strict_forward_ports = strict->second == "yes" || strict->second == "true";

    // The zones that can hold Docker's traffic: the active ones, the default (unbound
    // interfaces fall to it), and Docker's own.
    std::set<std::string> zones{state.default_zone, "docker"};
    for (const auto& [zone, lists] : *active_zones) zones.insert(zone);
    std::vector<BusCall> second;
    std::vector<std::string> names;
    for (const auto& zone : zones) {
        second.push_back(firewalld_call("org.fedoraproject.FirewallD1.zone", "getZoneSettings2", zone));
        names.push_back(zone);
    }
    // The active policies, and Docker's, which is inactive while zone docker holds no
    // interface (what the diagnosis then needs to know).
    std::set<std::string> policies{"docker-forwarding"};
    for (const auto& [policy, lists] : *active_policies) policies.insert(policy);
    for (const auto& policy : policies)
        second.push_back(firewalld_call("org.fedoraproject.FirewallD1.policy", "getPolicySettings", policy));
    auto settings = bus->call_all(second, deadline);
    if (!settings) return on_bus(settings.error());
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto& reply = (*settings)[i];
        if (!reply) {
            if (!is_invalid_name(reply.error())) state.unreadable.push_back(fmt::format("zone {}: {}", names[i], reply.error().message));
            continue;
        }
        auto zone = zone_from(**api, reply->get(), names[i]);
        if (zone) state.zones.push_back(std::move(*zone));
        else state.unreadable.push_back(fmt::format("zone {}: {}", names[i], zone.error().message));
    }
    std::size_t i = names.size();
    for (const auto& name : policies) {
        auto& reply = (*settings)[i++];
        if (!reply && is_invalid_name(reply.error())) continue;
        auto policy = reply ? policy_from(**api, reply->get(), name) : std::unexpected(reply.error());
        if (policy) state.policies.push_back(std::move(*policy));
        else state.unreadable.push_back(fmt::format("policy {}: {}", name, policy.error().message));
    }
    // An interface in no active zone is bound to none ("" = the default zone's traffic).
    for (const std::string& interface : options.interfaces) state.interface_zones[interface] = "";
    for (const auto& [zone, lists] : *active_zones)
        if (const auto it = lists.find("interfaces"); it != lists.end())
            for (const auto& interface : it->second) state.interface_zones[interface] = zone;
    return state;
}

}  // namespace dnd
