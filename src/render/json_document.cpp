#include <string>

#include <fmt/format.h>

#include "docknetdoctor/render/render.hpp"

namespace dnd {

std::string json_document(const nlohmann::json& j, int indent) {
    const std::string dumped = j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
    // Outside strings a JSON text is ASCII without DEL, so these bytes are inside strings,
    // where \uXXXX means the same character.
    std::string out;
    out.reserve(dumped.size());
    for (std::size_t i = 0; i < dumped.size(); ++i) {
        const auto c = static_cast<unsigned char>(dumped[i]);
        const auto next = i + 1 < dumped.size() ? static_cast<unsigned char>(dumped[i + 1]) : 0;
        if (c == 0x7f) {
            out += "\\u007f";
        } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
            out += fmt::format("\\u{:04x}", next);
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace dnd
