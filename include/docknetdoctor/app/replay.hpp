#pragma once
// --facts FILE with --port/--from/--direct: ask the saved host a different question offline.
#include <optional>
#include <string>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// Sets the new query and, when it changed, evaluates the paths again over the saved host
// with the set lookups the live run recorded: a key it never looked up evaluates as
// unknown, never as a guess. --from is local when it is loopback or one of the saved
// host's addresses; --direct asks about the container's own address. Without an override
// the saved paths stay as they were.
void reask_saved_facts(Facts& facts, const std::optional<PortKey>& port, const std::optional<std::string>& from,
                       bool direct);

}  // namespace dnd
