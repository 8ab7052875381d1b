#include "docknetdoctor/model/saved_facts.hpp"

#include <array>
#include <algorithm>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/json_limits.hpp"
#include "docknetdoctor/model/json_util.hpp"

namespace dnd {
namespace {

// What belongs to one container; every other key of a facts object is the host's.
constexpr std::array<std::string_view, 10> kContainerKeys{
    "query", "container", "networks", "container_listeners", "paths",
    "probes", "peer", "selinux", "vanished_process", "restart_history"};

bool is_container_key(std::string_view key) {
    return std::find(kContainerKeys.begin(), kContainerKeys.end(), key) != kContainerKeys.end();
}

}  // namespace

nlohmann::json all_facts_to_json(std::span<const ContainerFacts> entries) {
    const auto first = std::find_if(entries.begin(), entries.end(), [](const ContainerFacts& e) { return e.facts.has_value(); });
    const nlohmann::json host_side = facts_to_json(first != entries.end() ? *first->facts : Facts{});
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : host_side.items())
        if (!is_container_key(key) || key == "query") out[key] = value;
    auto containers = nlohmann::json::array();
    for (const auto& e : entries) {
        nlohmann::json entry{{"ref", e.ref}};
        if (e.facts) {
            const nlohmann::json whole = facts_to_json(*e.facts);  // named: items() only refers to it
            nlohmann::json own = nlohmann::json::object();
            for (const auto& [key, value] : whole.items())
                if (is_container_key(key)) own[key] = value;
            entry["facts"] = std::move(own);
        } else {
            entry["error"] = e.facts.error();
        }
        containers.push_back(std::move(entry));
    }
    out["containers"] = std::move(containers);
    return out;
}

Result<SavedFacts> saved_facts_from_json_text(std::string_view text) {
    try {
        auto parsed = parse_bounded_json(text, kFactsJsonLimits);
        if (!parsed) return fail("facts-file", "refused: " + parsed.error().message);
        nlohmann::json& j = *parsed;
        if (!j.is_object()) return fail("facts-file", "not a facts object (expected a JSON object)");
        SavedFacts saved;
        if (!j.contains("containers")) {
            auto facts = facts_from_json(j);
            if (!facts) return std::unexpected(facts.error());
            saved.entries.push_back({"", std::move(*facts)});
            return saved;
        }
        saved.all = true;
        nlohmann::json containers = std::move(j["containers"]);
        j.erase("containers");
        auto host = facts_from_json(j);  // the host part, validated once
        if (!host) return std::unexpected(host.error());
        if (!containers.is_array()) return fail("facts-file", "malformed facts: containers is not an array");
        for (auto& entry : containers) {
            ContainerFacts e{entry.at("ref").get<std::string>(), fail("facts-file", "not in the facts file")};
            if (auto error = entry.find("error"); error != entry.end()) {
                e.facts = std::unexpected(error->get<Error>());
            } else {
                nlohmann::json own = std::move(entry.at("facts"));
                if (!own.is_object()) return fail("facts-file", "malformed facts: a container's facts are not an object");
                own["schema_version"] = j.at("schema_version");
                Facts facts = own.get<Facts>();
                facts.tool_version = host->tool_version;
                facts.collected_at = host->collected_at;
                facts.engine = host->engine;
                facts.host_listeners = host->host_listeners;
                facts.host = host->host;
                e.facts = std::move(facts);
            }
            saved.entries.push_back(std::move(e));
        }
        return saved;
    } catch (const nlohmann::json::exception& e) {
        return fail("facts-file", std::string("malformed facts: ") + e.what());
    }
}

}  // namespace dnd
