// ProbeTarget / ProbeOutcome <-> JSON, for --json output and saved facts.
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_util.hpp"
#include "docknetdoctor/model/probe_outcome.hpp"

namespace dnd {
namespace {

constexpr std::array<std::pair<ProbeStatus, std::string_view>, 8> kStatusNames{{
    {ProbeStatus::open, "open"},
    {ProbeStatus::refused, "refused"},
    {ProbeStatus::timeout, "timeout"},
    {ProbeStatus::unreachable, "unreachable"},
    {ProbeStatus::reset, "reset"},
    {ProbeStatus::closed, "closed"},
    {ProbeStatus::open_filtered, "open_filtered"},
    {ProbeStatus::error, "error"},
}};

}  // namespace

std::string_view to_string(ProbeStatus s) {
    for (const auto& [status, name] : kStatusNames)
        if (status == s) return name;
    return "error";
}

void to_json(nlohmann::json& j, const ProbeTarget& t) {
    j = nlohmann::json{{"address", t.address}, {"port", t.port}, {"proto", t.proto}, {"vantage", t.vantage}};
}

void from_json(const nlohmann::json& j, ProbeTarget& t) {
    j.at("address").get_to(t.address);
    j.at("port").get_to(t.port);
    j.at("proto").get_to(t.proto);
    t.vantage = j.value("vantage", std::string{});
}

void to_json(nlohmann::json& j, const ProbeOutcome& o) {
    j = nlohmann::json{{"target", o.target},
                       {"outcome", to_string(o.outcome)},
                       {"latency_ms", o.latency_ms},
                       {"detail", o.detail}};
}

void from_json(const nlohmann::json& j, ProbeOutcome& o) {
    j.at("target").get_to(o.target);
    const auto name = j.at("outcome").get<std::string>();
    bool known = false;
    for (const auto& [status, status_name] : kStatusNames) {
        if (status_name == name) {
            o.outcome = status;
            known = true;
        }
    }
    if (!known) throw nlohmann::json::other_error::create(501, "bad probe outcome: " + name, &j);
    j.at("latency_ms").get_to(o.latency_ms);
    o.detail = j.value("detail", std::string{});
}

}  // namespace dnd
