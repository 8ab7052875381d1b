// Engine API version negotiation: the daemon's version, capped at the client's maximum.
#include <charconv>

#include <fmt/format.h>

#include "docknetdoctor/collect/docker_api.hpp"

namespace dnd {
namespace {

std::optional<int> parse_component(std::string_view text) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

}  // namespace

std::string ApiVersion::str() const { return fmt::format("{}.{}", major, minor); }

std::optional<ApiVersion> parse_api_version(std::string_view text) {
    auto dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto major = parse_component(text.substr(0, dot));
    auto minor = parse_component(text.substr(dot + 1));
    if (!major || !minor) return std::nullopt;
    return ApiVersion{*major, *minor};
}

ApiVersion negotiate_api_version(std::string_view daemon_header) {
    // Engines older than API 1.25 send no API-Version header; the docker CLI assumes 1.24.
    constexpr ApiVersion kOldestAssumed{1, 24};
    const ApiVersion client_max = *parse_api_version(kClientMaxApiVersion);
    auto daemon = parse_api_version(daemon_header);
    if (!daemon) return kOldestAssumed;
    return std::min(*daemon, client_max);
}

}  // namespace dnd
