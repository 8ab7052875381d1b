// FirewalldState <-> JSON (host.firewalld in a facts file). Absent keys read back as defaults.
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/firewalld.hpp"
#include "docknetdoctor/model/json_util.hpp"

namespace dnd {

DND_JSON_STRICT_ENUM(FirewalldSource, {{FirewalldSource::none, "none"},
                                       {FirewalldSource::runtime, "runtime"},
                                       {FirewalldSource::files, "files"}})

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FirewalldForwardPort, port, protocol, to_port, to_addr)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FirewalldRules, target, services, ports, forward_ports, rich_rules,
                                                masquerade)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FirewalldZone, name, rules, interfaces, sources, forward)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FirewalldPolicy, name, rules, ingress_zones, egress_zones, priority)

void to_json(nlohmann::json& j, const FirewalldState& s) {
    j = {{"source", s.source},
         {"bus_address", s.bus_address},
         {"runtime_unread", s.runtime_unread},
         {"version", s.version},
         {"default_zone", s.default_zone},
         {"backend", s.backend},
         {"zones", s.zones},
         {"policies", s.policies},
         {"interface_zones", s.interface_zones},
         {"unreadable", s.unreadable}};
    json_put_optional(j, "strict_forward_ports", s.strict_forward_ports);
}

void from_json(const nlohmann::json& j, FirewalldState& s) {
    s.source = j.value("source", FirewalldSource::none);
    s.bus_address = j.value("bus_address", "");
    s.runtime_unread = j.value("runtime_unread", "");
    s.version = j.value("version", "");
    s.default_zone = j.value("default_zone", "");
    s.backend = j.value("backend", "");
    s.zones = j.value("zones", std::vector<FirewalldZone>{});
    s.policies = j.value("policies", std::vector<FirewalldPolicy>{});
    s.interface_zones = j.value("interface_zones", std::map<std::string, std::string>{});
    s.unreadable = j.value("unreadable", std::vector<std::string>{});
    json_get_optional(j, "strict_forward_ports", s.strict_forward_ports);
}

}  // namespace dnd
