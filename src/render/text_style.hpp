#pragma once
// Small pieces every text section uses alike.
#include <cstdint>
#include <string>
#include <string_view>

namespace dnd::render {

// "192.0.2.10:8080", "[2001:db8::1]:8080"; the address sanitized.
std::string endpoint(const std::string& address, std::uint16_t port);

// text in the ANSI SGR code (e.g. "1;31") when color is on, else text as it is.
std::string paint(bool color, std::string_view text, std::string_view code);

}  // namespace dnd::render
