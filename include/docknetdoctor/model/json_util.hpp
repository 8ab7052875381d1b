#pragma once
// JSON helpers shared by every (de)serializer: optionals, Results, port-keyed maps.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

// An enum as JSON strings, strictly: unlike NLOHMANN_JSON_SERIALIZE_ENUM, a string that
// names no value is an error naming it, never the first value (an unknown verdict read as
// accept, an unknown hook as prerouting). Pairs as for that macro: {{E::a, "a"}, ...}.
#define DND_JSON_STRICT_ENUM(ENUM_TYPE, ...)                                                           \
    template <typename BasicJsonType>                                                                  \
    inline void to_json(BasicJsonType& j, const ENUM_TYPE& e) {                                        \
        static const std::pair<ENUM_TYPE, const char*> names[] = __VA_ARGS__;                          \
        for (const auto& [value, name] : names)                                                         \
            if (value == e) {                                                                           \
                j = name;                                                                               \
                return;                                                                                 \
            }                                                                                           \
        j = nullptr;                                                                                    \
    }                                                                                                   \
    template <typename BasicJsonType>                                                                  \
    inline void from_json(const BasicJsonType& j, ENUM_TYPE& e) {                                      \
        static const std::pair<ENUM_TYPE, const char*> names[] = __VA_ARGS__;                          \
        if (j.is_string())                                                                              \
            for (const auto& [value, name] : names)                                                     \
                if (j.template get_ref<const std::string&>() == name) {                                \
                    e = value;                                                                          \
                    return;                                                                             \
                }                                                                                       \
        throw nlohmann::json::other_error::create(501, "unknown " #ENUM_TYPE " value " + j.dump(), &j); \
    }

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
