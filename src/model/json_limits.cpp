#include "docknetdoctor/model/json_limits.hpp"

#include <fmt/format.h>

namespace dnd {

Result<void> check_json_limits(std::string_view text, const JsonLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail("json", fmt::format("larger than {} MiB ({} bytes)", limits.max_bytes >> 20, text.size()));
    std::size_t depth = 0;
    std::size_t elements = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        switch (c) {
            case '"': in_string = true; break;
            case '[':
            case '{':
                if (++depth > limits.max_depth)
                    return fail("json", fmt::format("nested deeper than {} levels", limits.max_depth));
                ++elements;
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;  // unbalanced text is the parser's to report
                break;
            case ',': ++elements; break;
            default: break;
        }
        if (elements > limits.max_elements)
            return fail("json", fmt::format("more than {} elements", limits.max_elements));
    }
    return {};
}

Result<nlohmann::json> parse_bounded_json(std::string_view text, const JsonLimits& limits) {
    if (auto within = check_json_limits(text, limits); !within) return std::unexpected(within.error());
    return nlohmann::json::parse(text);
}

}  // namespace dnd
