// The JSON report (contract: man/docknetdoctor-report.schema.json).
#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_util.hpp"
#include "docknetdoctor/render/render.hpp"

namespace dnd {
namespace {

nlohmann::json cause_json(const RankedCause& c) {
    nlohmann::json j{{"id", c.finding.id},
                     {"rank", c.rank},
                     {"severity", to_string(c.finding.severity)},
                     {"confidence", to_string(c.confidence)},
                     {"confidence_reason", c.confidence_reason},
                     {"support", to_string(c.support)},
                     {"title", c.finding.title},
                     {"evidence", c.finding.evidence},
                     {"fix", c.finding.fix},
                     {"explains", c.finding.explains},
                     {"explain", "docknetdoctor explain " + c.finding.id}};
    if (c.finding.port) j["port"] = c.finding.port->str();
    return j;
}

nlohmann::json port_json(const PortView& p) {
    auto bindings = nlohmann::json::array();
    for (const auto& b : p.bindings) bindings.push_back(b);
    nlohmann::json j{{"port", p.port.str()}, {"state", p.state}, {"bindings", bindings}, {"listeners", p.listeners}};
    if (p.first_failing_rung) j["first_failing_rung"] = to_string(*p.first_failing_rung);
    return j;
}

// Shaped like a ladder probe, so consumers read one list.
nlohmann::json peer_probe_json(const PeerProbeView& p) {
    nlohmann::json j = p.probe;
    j["port"] = p.port.str();
    j["rung"] = kPeerProbeRung;
    j["address_from"] = p.address_from;
    return j;
}

}  // namespace

nlohmann::json report_to_json(const Report& r) {
    nlohmann::json j;
    j["schema_version"] = r.schema_version;
    j["tool"] = {{"name", "docknetdoctor"}, {"version", r.tool_version}};
    j["target"] = {{"container", r.target_container}, {"name", r.target_name}, {"id", r.target_id}};
    j["question"] = r.question;
    j["verdict"] = to_string(r.verdict);
    j["exit_code"] = exit_code(r.verdict);
    j["causes"] = nlohmann::json::array();
    for (const auto& c : r.causes) j["causes"].push_back(cause_json(c));
    j["ports"] = nlohmann::json::array();
    for (const auto& p : r.ports) j["ports"].push_back(port_json(p));
    j["probes"] = nlohmann::json::array();
    for (const auto& p : r.probes) j["probes"].push_back(p);
    if (r.peer_probe) j["probes"].push_back(peer_probe_json(*r.peer_probe));
    if (r.service) {
        auto ports = nlohmann::json::array();
        for (const ServicePort& p : r.service->ports)
            ports.push_back({{"published", p.published}, {"target", p.target.str()}, {"mode", p.mode}});
        auto tasks = nlohmann::json::array();
        for (const SwarmTask& t : r.service->tasks)
            tasks.push_back({{"id", t.id},
                             {"slot", t.slot},
                             {"node_id", t.node_id},
                             {"desired_state", t.desired_state},
                             {"state", t.state},
                             {"error", t.error}});
        j["service"] = {{"id", r.service->id}, {"name", r.service->name}, {"ports", std::move(ports)},
                        {"tasks", std::move(tasks)}};
    }
    j["paths"] = nlohmann::json::array();
    for (const auto& p : r.paths) j["paths"].push_back(p);  // as in the facts file (path_json.cpp)
    j["blind_spots"] = nlohmann::json::array();
    for (const auto& b : r.blind_spots) j["blind_spots"].push_back({{"source", b.source}, {"message", b.message}});
    j["undecided"] = nlohmann::json::array();
    for (const auto& u : r.undecided) j["undecided"].push_back({{"check", u.check}, {"reason", u.reason}});
    j["notes"] = r.notes;
    j["timings_ms"] = r.timings_ms;
    return j;
}

}  // namespace dnd
