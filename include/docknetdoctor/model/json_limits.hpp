#pragma once
// Bounds on JSON from outside (facts files, Engine API bodies, daemon.json), checked on the
// text before nlohmann builds its tree: the tree costs many times the text in memory, one
// value per element, and deep nesting costs stack. One linear pass, no allocation.
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

struct JsonLimits {
    std::size_t max_bytes = 0;
    std::size_t max_depth = 0;     // nesting of arrays and objects
    std::size_t max_elements = 0;  // values and members, counted by their separators
};

// A facts file of the large host the netfilter bench builds (10,000 rules, a 50,000-interval
// set) is 15 MiB, 0.4 million elements, 12 levels, and replays in 86 MiB. These leave four
// times that room; at the bounds a replay peaked at 269 MiB (a 60 MiB file) and 167 MiB
// (3.9 million elements), where a 100 MB file took 1.4 GiB before.
inline constexpr JsonLimits kFactsJsonLimits{64u << 20, 64, 4'000'000};
// An engine body: a container list of thousands of containers is a few MiB.
inline constexpr JsonLimits kEngineJsonLimits{16u << 20, 64, 2'000'000};

// The first limit the text exceeds, as a sentence ("nested deeper than 64 levels"), or ok.
Result<void> check_json_limits(std::string_view text, const JsonLimits& limits);

// check_json_limits, then nlohmann::json::parse (which may throw parse_error).
Result<nlohmann::json> parse_bounded_json(std::string_view text, const JsonLimits& limits);

}  // namespace dnd
