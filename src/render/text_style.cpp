// See text_style.hpp.
#include "text_style.hpp"

#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"
#include "docknetdoctor/model/sanitize.hpp"

namespace dnd::render {

std::string endpoint(const std::string& address, std::uint16_t port) {
    return format_endpoint(sanitize(address), port);
}

std::string paint(bool color, std::string_view text, std::string_view code) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
}

}  // namespace dnd::render
