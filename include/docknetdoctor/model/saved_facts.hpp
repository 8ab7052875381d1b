#pragma once
// A saved facts file holds one container's facts, or an --all run's: what belongs to the
// host (engine, rulesets, links, routes, sysctls, host listeners) once, then each running
// container's own part, or why it could not be collected. Both replay offline (--facts).
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {

struct ContainerFacts {
    std::string ref;  // the container's name (or short id), as its report names it
    Result<Facts> facts;
};

struct SavedFacts {
    bool all = false;                     // an --all run's file
    std::vector<ContainerFacts> entries;  // one entry (ref "") for a single container's file
};

// An --all run's facts as one document. The host part is written once, taken from the
// first container that has facts (they all share it).
nlohmann::json all_facts_to_json(std::span<const ContainerFacts> entries);

// Either kind of file, under the same bounds and validation as facts_from_json_text; the
// host part of an --all file is parsed and validated once and shared by every entry.
Result<SavedFacts> saved_facts_from_json_text(std::string_view text);

}  // namespace dnd
