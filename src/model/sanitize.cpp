#include "docknetdoctor/model/sanitize.hpp"

#include <fmt/format.h>

namespace dnd {

std::string sanitize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        // C0 controls (ESC among them), DEL and the C1 introducer bytes of UTF-8-encoded
        // C1 controls are what terminals act on; printable UTF-8 passes unchanged.
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
    // UTF-8 C1 controls (U+0080..U+009F are 0xC2 0x80..0x9F): neutralize too.
    std::string cleaned;
    cleaned.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto c = static_cast<unsigned char>(out[i]);
        auto next = i + 1 < out.size() ? static_cast<unsigned char>(out[i + 1]) : 0;
        if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
            cleaned += fmt::format("\\u{:04x}", next);
            ++i;
        } else {
            cleaned += out[i];
        }
    }
    return cleaned;
}

}  // namespace dnd
