#include "docknetdoctor/model/port.hpp"

#include <charconv>

#include <fmt/format.h>

namespace dnd {

std::string_view to_string(Proto p) { return p == Proto::udp ? "udp" : "tcp"; }

std::string PortKey::str() const { return fmt::format("{}/{}", port, to_string(proto)); }

std::optional<PortKey> parse_port_key(std::string_view text) {
    PortKey key;
    std::string_view num = text;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        num = text.substr(0, slash);
        std::string_view proto = text.substr(slash + 1);
        if (proto == "tcp") key.proto = Proto::tcp;
        else if (proto == "udp") key.proto = Proto::udp;
        else return std::nullopt;
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
    if (ec != std::errc{} || end != num.data() + num.size() || num.empty() || value == 0 || value > 65535)
        return std::nullopt;
    key.port = static_cast<std::uint16_t>(value);
    return key;
}

}  // namespace dnd
