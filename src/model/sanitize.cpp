#include "docknetdoctor/model/sanitize.hpp"

#include <fmt/format.h>

namespace dnd {
namespace {

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF); 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0U; };
    const unsigned lead = byte(i);
    const auto continuation = [&](std::size_t k, unsigned low = 0x80, unsigned high = 0xbf) {
        return byte(k) >= low && byte(k) <= high;
    };
    if (lead >= 0xc2 && lead <= 0xdf) return continuation(i + 1) ? 2 : 0;
    if (lead >= 0xe0 && lead <= 0xef) {
        const unsigned low = lead == 0xe0 ? 0xa0 : 0x80;
        const unsigned high = lead == 0xed ? 0x9f : 0xbf;
        return continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
    }
    if (lead >= 0xf0 && lead <= 0xf4) {
        const unsigned low = lead == 0xf0 ? 0x90 : 0x80;
        const unsigned high = lead == 0xf4 ? 0x8f : 0xbf;
        return continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    }
    return 0;
}

}  // namespace

std::string sanitize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        // C0 controls (ESC among them) and DEL are what terminals act on.
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
            else out += static_cast<char>(c);
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence(s, i);
        if (length == 0) {
            // Not UTF-8: a lone byte, among them the 8-bit C1 controls a terminal may act on
            // (0x9b is CSI), and nothing a JSON or XML reader could take.
            out += fmt::format("\\x{:02x}", c);
            ++i;
        } else if (length == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
            // U+0080..U+009F, the C1 controls written in UTF-8.
            out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[i + 1]));
            i += 2;
        } else {
            out.append(s.substr(i, length));
            i += length;
        }
    }
    return out;
}

}  // namespace dnd
