#pragma once
// Whether the engine is rootless. Its bridge, DNAT and forwarding live in rootlesskit's
// namespaces, so the host's own sysctls and rulesets say nothing about its published ports:
// the checks that read them stay quiet and engine.rootless says why.
#include <optional>
#include <string>

#include "docknetdoctor/facts.hpp"

namespace dnd::checks {

// The /info SecurityOptions entry that names rootless ("name=rootless"), if any.
std::optional<std::string> rootless_security_option(const Facts& f);

bool engine_is_rootless(const Facts& f);

}  // namespace dnd::checks
