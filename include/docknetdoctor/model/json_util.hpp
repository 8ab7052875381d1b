#pragma once
// JSON helpers shared by every (de)serializer: optionals, Results, port-keyed maps.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

void to_json(nlohmann::json& j, const Error& e);
void from_json(const nlohmann::json& j, Error& e);
void to_json(nlohmann::json& j, const PortKey& p);
void from_json(const nlohmann::json& j, PortKey& p);
void to_json(nlohmann::json& j, const HostBinding& b);
void from_json(const nlohmann::json& j, HostBinding& b);
void to_json(nlohmann::json& j, const Listener& l);
void from_json(const nlohmann::json& j, Listener& l);
void to_json(nlohmann::json& j, const Proto& p);
void from_json(const nlohmann::json& j, Proto& p);

nlohmann::json port_map_to_json(const std::map<PortKey, std::vector<HostBinding>>& m);
std::map<PortKey, std::vector<HostBinding>> port_map_from_json(const nlohmann::json& j);

template <class T>
void json_put_optional(nlohmann::json& j, const char* key, const std::optional<T>& v) {
    if (v) j[key] = *v;
}
template <class T>
void json_get_optional(const nlohmann::json& j, const char* key, std::optional<T>& v) {
    if (auto it = j.find(key); it != j.end() && !it->is_null()) v = it->template get<T>();
    else v.reset();
}

// A Result field: the value, or {"unavailable": {source, message}}.
template <class T>
void json_put_result(nlohmann::json& j, const char* key, const Result<T>& r) {
    if (r) j[key] = *r;
    else j[key] = nlohmann::json{{"unavailable", r.error()}};
}
template <class T>
void json_get_result(const nlohmann::json& j, const char* key, Result<T>& r) {
    auto it = j.find(key);
    if (it == j.end()) {
        r = fail("facts-file", std::string("not in the facts file: ") + key);
    } else if (it->is_object() && it->contains("unavailable")) {
        r = std::unexpected(it->at("unavailable").template get<Error>());
    } else {
        r = it->template get<T>();
    }
}

}  // namespace dnd
