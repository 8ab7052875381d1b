// See rootless_engine.hpp.
#include "rootless_engine.hpp"

#include <string_view>

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

}  // namespace

std::optional<std::string> rootless_security_option(const Facts& f) {
    if (!f.engine) return std::nullopt;
    for (const std::string& option : f.engine->security_options)
        if (names_rootless(option)) return option;
    return std::nullopt;
}

bool engine_is_rootless(const Facts& f) { return rootless_security_option(f).has_value(); }

}  // namespace dnd::checks
