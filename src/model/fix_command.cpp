#include "docknetdoctor/model/fix_command.hpp"

#include <fmt/format.h>

namespace dnd {

std::string fix_running(std::string_view what, std::string_view command) {
    return fmt::format("{}; {}{}", what, kFixRunMarker, command);
}

std::optional<std::string> command_of_fix(std::string_view line) {
    std::size_t at = std::string_view::npos;
    if (line.starts_with(kFixRunMarker)) {
        at = 0;
    } else {
        // Only the marker after "; ": a command that mentions "run: " itself stays whole.
        const std::size_t found = line.find(fmt::format("; {}", kFixRunMarker));
        if (found != std::string_view::npos) at = found + 2;
    }
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view command = line.substr(at + kFixRunMarker.size());
    if (command.empty()) return std::nullopt;
    return std::string(command);
}

}  // namespace dnd
