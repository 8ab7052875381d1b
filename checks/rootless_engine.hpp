#pragma once
// Whether the engine is rootless. Its bridge, DNAT and forwarding live in rootlesskit's
// namespaces, so the host's own sysctls and rulesets say nothing about its published ports:
// the checks that read them stay quiet and engine.rootless says why.
#include <optional>
#include <string>

#include "docknetdoctor/model/facts.hpp"

namespace dnd::checks {

struct RootlessEvidence {
    bool rootless = false;
    std::string evidence;  // what decided it, for the finding
};

// Decided from /info SecurityOptions ("name=rootless") when the engine was asked, else from
// the engine process's environment (ROOTLESSKIT_STATE_DIR: dockerd's own test). nullopt
// when neither was read.
std::optional<RootlessEvidence> rootless_evidence(const Facts& f);

bool engine_is_rootless(const Facts& f);

}  // namespace dnd::checks
