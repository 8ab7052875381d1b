// PathResult <-> JSON: the report's paths[] and the facts file's "paths".
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_util.hpp"
#include "docknetdoctor/model/packet_path.hpp"

namespace dnd {

DND_JSON_STRICT_ENUM(StepResult, {{StepResult::unknown, "unknown"}, {StepResult::matched_accept, "accept"},
                                          {StepResult::matched_drop, "drop"}, {StepResult::matched_reject, "reject"},
                                          {StepResult::dnat, "dnat"}, {StepResult::snat, "snat"},
                                          {StepResult::jump, "jump"}, {StepResult::goto_, "goto"},
                                          {StepResult::return_, "return"}, {StepResult::policy, "policy"},
                                          {StepResult::route, "route"}})
DND_JSON_STRICT_ENUM(PathVerdict, {{PathVerdict::unknown, "unknown"},
                                           {PathVerdict::delivered_local, "delivered-local"},
                                           {PathVerdict::forwarded, "forwarded"}, {PathVerdict::sent, "sent"},
                                           {PathVerdict::dropped, "dropped"}, {PathVerdict::rejected, "rejected"}})

void to_json(nlohmann::json& j, const Packet& p) {
    j = {{"family", p.family}, {"iif", p.iif}, {"saddr", p.saddr}, {"daddr", p.daddr}, {"proto", p.proto},
         {"sport", p.sport}, {"dport", p.dport}};
}
void from_json(const nlohmann::json& j, Packet& p) {
    p.family = j.value("family", 4);
    p.iif = j.value("iif", "");
    p.saddr = j.value("saddr", "");
    p.daddr = j.value("daddr", "");
    p.proto = j.value("proto", Proto::tcp);
    p.sport = j.value("sport", std::uint16_t{40000});
    p.dport = j.value("dport", std::uint16_t{0});
}

void to_json(nlohmann::json& j, const PathStep& s) {
    j = {{"hook", s.hook}, {"where", s.where}, {"rule", s.rule}, {"result", s.result}, {"note", s.note}};
    json_put_optional(j, "rule_handle", s.rule_handle);
}
void from_json(const nlohmann::json& j, PathStep& s) {
    s.hook = j.value("hook", "");
    s.where = j.value("where", "");
    s.rule = j.value("rule", "");
    s.result = j.value("result", StepResult::unknown);
    s.note = j.value("note", "");
    json_get_optional(j, "rule_handle", s.rule_handle);
}

void to_json(nlohmann::json& j, const PathResult& p) {
    j = {{"packet", p.packet},         {"final_packet", p.final_packet}, {"steps", p.steps},
         {"verdict", p.verdict},       {"decided_by", p.decided_by},     {"decided_hook", p.decided_hook},
         {"out_interface", p.out_interface}};
}
void from_json(const nlohmann::json& j, PathResult& p) {
    p.packet = j.at("packet").get<Packet>();
    p.final_packet = j.value("final_packet", p.packet);
    p.steps = j.value("steps", std::vector<PathStep>{});
    p.verdict = j.value("verdict", PathVerdict::unknown);
    p.decided_by = j.value("decided_by", "");
    p.decided_hook = j.value("decided_hook", "");
    p.out_interface = j.value("out_interface", "");
}

}  // namespace dnd
