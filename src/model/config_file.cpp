// KEY=VALUE configuration files (see config_file.hpp).
#include "docknetdoctor/model/config_file.hpp"

namespace dnd {
namespace {

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    s.remove_prefix(first);
    return s.substr(0, s.find_last_not_of(" \t\r\n") + 1);
}

}  // namespace

std::string config_value(std::string_view text, std::string_view key) {
    std::string value;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const std::string_view line = trimmed(text.substr(0, eol));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != '=') continue;
        std::string_view v = trimmed(line.substr(key.size() + 1));
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        value = std::string(v);
    }
    return value;
}

}  // namespace dnd
