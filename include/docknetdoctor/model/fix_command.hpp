#pragma once
// The one form a fix line takes when it holds a command to run as it stands:
// "what it does; run: COMMAND". The command is the rest of the line (one shell line), so a
// user, a script or a test copies it out the same way. Lines without the marker advise.
#include <optional>
#include <string>
#include <string_view>

namespace dnd {

inline constexpr std::string_view kFixRunMarker = "run: ";

// "allow it in DOCKER-USER, before the drop; run: iptables-nft -I DOCKER-USER ..."
std::string fix_running(std::string_view what, std::string_view command);

// The command of a fix line written by fix_running (also a line that is only "run: CMD");
// nullopt for a line that only advises.
std::optional<std::string> command_of_fix(std::string_view line);

}  // namespace dnd
