// The engine's version from the Server header, so that a healthy run need not ask /version
// (an expensive call: the engine runs runc and docker-init to report their versions).
#include <algorithm>

#include "docknetdoctor/collect/docker_api.hpp"

namespace dnd {

std::optional<std::string> parse_server_header_version(std::string_view header) {
    constexpr std::string_view kPrefix = "Docker/";
    if (!header.starts_with(kPrefix)) return std::nullopt;
    header.remove_prefix(kPrefix.size());
    const auto version = header.substr(0, header.find(' '));
    const auto is_version_char = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               std::string_view(".+-~_").find(c) != std::string_view::npos;
    };
    if (version.empty() || !std::all_of(version.begin(), version.end(), is_version_char)) return std::nullopt;
    return std::string(version);
}

}  // namespace dnd
