// See rootless_engine.hpp.
#include "rootless_engine.hpp"

#include <string_view>

#include <fmt/format.h>

namespace dnd::checks {
namespace {

// SecurityOptions entries look like "name=seccomp,profile=default" or "name=rootless".
bool names_rootless(std::string_view option) {
    while (!option.empty()) {
        auto comma = option.find(',');
        if (option.substr(0, comma) == "name=rootless") return true;
        if (comma == std::string_view::npos) break;
        option.remove_prefix(comma + 1);
    }
    return false;
}

RootlessEvidence from_security_options(const std::vector<std::string>& options) {
    for (const std::string& option : options)
        if (names_rootless(option)) return {true, fmt::format("/info SecurityOptions has \"{}\"", option)};
    return {false, "/info SecurityOptions has no name=rootless"};
}

RootlessEvidence from_process(const EngineProcess& p) {
    const std::string who = fmt::format("engine process {} ({}, {})", p.pid, p.exe, p.found_as);
    if (p.rootlesskit_state_dir)
        return {true, fmt::format("{} has ROOTLESSKIT_STATE_DIR={} in its environment", who, *p.rootlesskit_state_dir)};
    return {false, fmt::format("{} has no ROOTLESSKIT_STATE_DIR in its environment", who)};
}

}  // namespace

std::optional<RootlessEvidence> rootless_evidence(const Facts& f) {
    if (!f.engine) return std::nullopt;
    // The engine's own answer first, when it was asked.
    if (f.engine->security_options) return from_security_options(*f.engine->security_options);
    if (f.engine->process) return from_process(*f.engine->process);
    return std::nullopt;
}

bool engine_is_rootless(const Facts& f) {
    auto evidence = rootless_evidence(f);
    return evidence && evidence->rootless;
}

}  // namespace dnd::checks
