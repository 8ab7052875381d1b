#pragma once
// A container or host port with its protocol: "80/tcp".
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dnd {

enum class Proto { tcp, udp };

std::string_view to_string(Proto p);

struct PortKey {
    std::uint16_t port = 0;
    Proto proto = Proto::tcp;
    auto operator<=>(const PortKey&) const = default;
    std::string str() const;  // "80/tcp"
};

// Parses "80", "80/tcp", "53/udp"; nullopt when malformed or out of 1..65535.
std::optional<PortKey> parse_port_key(std::string_view text);

}  // namespace dnd
