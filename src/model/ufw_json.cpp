// UfwState <-> JSON (host.ufw in a facts file). Absent keys read back as defaults.
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_util.hpp"
#include "docknetdoctor/model/ufw.hpp"

namespace dnd {

void to_json(nlohmann::json& j, const UfwRule& r) {
    j = {{"number", r.number},       {"v6", r.v6},
         {"route", r.route},         {"action", r.action},
         {"log", r.log},             {"protocol", r.protocol},
         {"dport", r.dport},         {"dst", r.dst},
         {"sport", r.sport},         {"src", r.src},
         {"dapp", r.dapp},           {"sapp", r.sapp},
         {"direction", r.direction}, {"interface_in", r.interface_in},
         {"interface_out", r.interface_out}, {"comment", r.comment},
         {"tuple", r.tuple},         {"iptables_rules", r.iptables_rules}};
}
void from_json(const nlohmann::json& j, UfwRule& r) {
    r.number = j.value("number", 0);
    r.v6 = j.value("v6", false);
    r.route = j.value("route", false);
    r.action = j.value("action", "");
    r.log = j.value("log", "");
    r.protocol = j.value("protocol", "any");
    r.dport = j.value("dport", "any");
    r.dst = j.value("dst", "");
    r.sport = j.value("sport", "any");
    r.src = j.value("src", "");
    r.dapp = j.value("dapp", "");
    r.sapp = j.value("sapp", "");
    r.direction = j.value("direction", "in");
    r.interface_in = j.value("interface_in", "");
    r.interface_out = j.value("interface_out", "");
    r.comment = j.value("comment", "");
    r.tuple = j.value("tuple", "");
    r.iptables_rules = j.value("iptables_rules", std::vector<std::string>{});
}

void to_json(nlohmann::json& j, const UfwRules& r) { j = {{"rules", r.rules}, {"malformed", r.malformed}}; }
void from_json(const nlohmann::json& j, UfwRules& r) {
    r.rules = j.value("rules", std::vector<UfwRule>{});
    r.malformed = j.value("malformed", 0);
}

void to_json(nlohmann::json& j, const UfwState& s) {
    j = {{"config_dir", s.config_dir},
         {"installed", s.installed},
         {"enabled", s.enabled},
         {"default_input_policy", s.default_input_policy},
         {"default_output_policy", s.default_output_policy},
         {"default_forward_policy", s.default_forward_policy},
         {"ipv6", s.ipv6}};
    json_put_result(j, "rules", s.rules);
    json_put_result(j, "docker_user_hooked", s.docker_user_hooked);
}
void from_json(const nlohmann::json& j, UfwState& s) {
    s.config_dir = j.value("config_dir", "");
    s.installed = j.value("installed", false);
    s.enabled = j.value("enabled", false);
    s.default_input_policy = j.value("default_input_policy", "");
    s.default_output_policy = j.value("default_output_policy", "");
    s.default_forward_policy = j.value("default_forward_policy", "");
    s.ipv6 = j.value("ipv6", true);
    json_get_result(j, "rules", s.rules);
    json_get_result(j, "docker_user_hooked", s.docker_user_hooked);
}

}  // namespace dnd
