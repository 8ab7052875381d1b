// UFW's rule files read the way ufw itself reads them (ufw 0.36, backend_iptables.py
// _read_rules), and its rules printed the way `ufw status numbered` prints them.
#include "docknetdoctor/model/ufw.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "docknetdoctor/model/config_file.hpp"

namespace dnd {
namespace {

constexpr std::string_view kTupleMarker = "### tuple ###";

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    s.remove_prefix(first);
    return s.substr(0, s.find_last_not_of(" \t\r\n") + 1);
}

std::vector<std::string_view> fields_of(std::string_view s) {
    std::vector<std::string_view> out;
    while (true) {
        const auto start = s.find_first_not_of(" \t");
        if (start == std::string_view::npos) break;
        s.remove_prefix(start);
        const auto end = s.find_first_of(" \t");
        out.push_back(s.substr(0, end));
        if (end == std::string_view::npos) break;
        s.remove_prefix(end);
    }
    return out;
}

// ufw stores comments hex-encoded (util.hex_encode); undecodable text is kept as written.
std::string hex_decoded(std::string_view hex) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.size() % 2 != 0) return std::string(hex);
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = digit(hex[i]);
        const int lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::string(hex);
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

std::string app_name(std::string_view field) {
    std::string name(field == "-" ? std::string_view{} : field);
    for (auto at = name.find("%20"); at != std::string::npos; at = name.find("%20", at + 1)) name.replace(at, 3, " ");
    return name;
}

// The last field of a 7- or 9-field tuple: "in", "out", "in_eth0", "out_eth0",
// "in_eth0!out_docker0". false: a form ufw skips.
bool read_direction(std::string_view field, UfwRule& rule) {
    rule.direction = std::string(field.substr(0, field.find('_')));
    if (field.find('_') == std::string_view::npos) return true;
    auto interface_of = [](std::string_view part) { return std::string(part.substr(part.find('_') + 1)); };
    if (const auto bang = field.find('!'); bang != std::string_view::npos) {
        const auto in = field.substr(0, bang);
        const auto out = field.substr(bang + 1);
        if (!in.starts_with("in_") || !out.starts_with("out_")) return false;
        rule.interface_in = interface_of(in);
        rule.interface_out = interface_of(out);
        return true;
    }
    if (field.starts_with("in_")) rule.interface_in = interface_of(field);
    else if (field.starts_with("out_")) rule.interface_out = interface_of(field);
    else return false;
    return true;
}

// "deny", "allow_log", "route:reject_log-all" -> route, action, log. ufw reads any other
// action as deny.
bool read_action(std::string_view field, UfwRule& rule) {
    if (const auto colon = field.find(':'); colon != std::string_view::npos) {
        rule.route = true;
        field.remove_prefix(colon + 1);
    }
    const auto underscore = field.find('_');
    const std::string_view action = field.substr(0, underscore);
    rule.action = action == "allow" || action == "reject" || action == "limit" ? std::string(action) : "deny";
    if (underscore != std::string_view::npos) {
        rule.log = std::string(field.substr(underscore + 1));
        if (rule.log != "log" && rule.log != "log-all") return false;
    }
    return true;
}

std::optional<UfwRule> read_tuple(std::string_view line, bool v6) {
    UfwRule rule;
    rule.v6 = v6;
    std::string_view body = trimmed(line.substr(kTupleMarker.size()));
    rule.tuple = std::string(body);
    // comment= is always last.
    if (const auto at = body.find(" comment="); at != std::string_view::npos) {
        rule.comment = hex_decoded(trimmed(body.substr(at + 9)));
        body = body.substr(0, at);
    }
    const auto f = fields_of(body);
    if (f.size() < 6 || f.size() > 9) return std::nullopt;
    rule.direction = "in";
    if ((f.size() == 7 || f.size() == 9) && !read_direction(f.back(), rule)) return std::nullopt;
    if (!read_action(f[0], rule)) return std::nullopt;
    rule.protocol = std::string(f[1]);
    rule.dport = std::string(f[2]);
    rule.dst = std::string(f[3]);
    rule.sport = std::string(f[4]);
    rule.src = std::string(f[5]);
    if (f.size() >= 8) {
        rule.dapp = app_name(f[6]);
        rule.sapp = app_name(f[7]);
    }
    return rule;
}

// The key under which `ufw status` shows an application rule once (common.py get_app_tuple).
std::string app_key(const UfwRule& r) {
    std::string key = fmt::format("{} {} {} {}", r.dapp.empty() ? r.dport : r.dapp, r.dst,
                                  r.sapp.empty() ? r.sport : r.sapp, r.src);
    if (r.interface_in.empty() && r.interface_out.empty()) return key + " " + r.direction;
    if (!r.interface_in.empty()) key += " in_" + r.interface_in;
    if (!r.interface_out.empty()) key += " out_" + r.interface_out;
    return key;
}

bool is_anywhere(std::string_view address) { return address == "0.0.0.0/0" || address == "::/0"; }

// The "To" or "From" column (backend_iptables.py get_status, not verbose).
std::string location_of(const UfwRule& r, bool destination) {
    const bool show_proto = r.dapp.empty() && r.sapp.empty();
    const std::string& address = destination ? r.dst : r.src;
    const std::string& app = destination ? r.dapp : r.sapp;
    std::string port = app.empty() ? (destination ? r.dport : r.sport) : app;
    if (!app.empty() && r.v6 && address == "::/0") port += " (v6)";

    std::string location = is_anywhere(address) ? std::string() : address;
    if (port != "any") {
        location += location.empty() ? port : " " + port;
        if (show_proto && r.protocol != "any") location += "/" + r.protocol;
        if (r.v6 && r.src == "::/0" && r.dst == "::/0" && location.find(" (v6)") == std::string::npos)
            location += " (v6)";
    } else if (is_anywhere(address)) {
        location = "Anywhere";
        if (show_proto && r.protocol != "any" && r.dst == r.src && r.dport == r.sport) location += "/" + r.protocol;
        if (address == "::/0") location += " (v6)";
    } else if (show_proto && r.protocol != "any" && r.dport == r.sport) {
        location += "/" + r.protocol;
    }
    // Route rules name interfaces as packets cross them; others as the host sees them.
    const std::string& interface = r.route == destination ? r.interface_out : r.interface_in;
    if (!interface.empty()) location += " on " + interface;
    return location;
}

}  // namespace

UfwRules parse_ufw_rules_file(std::string_view text, bool v6, int first_number) {
    UfwRules out;
    std::map<std::string, int> shown_apps;
    UfwRule* current = nullptr;
    int next_number = first_number;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const std::string_view line = trimmed(text.substr(0, eol));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (line.starts_with(kTupleMarker)) {
            auto rule = read_tuple(line, v6);
            current = nullptr;
            if (!rule) {
                ++out.malformed;
                continue;
            }
            if (!rule->dapp.empty() || !rule->sapp.empty()) {
                const auto [shown, first] = shown_apps.try_emplace(app_key(*rule), next_number);
                rule->number = shown->second;
                if (first) ++next_number;
            } else {
                rule->number = next_number++;
            }
            out.rules.push_back(std::move(*rule));
            current = &out.rules.back();
        } else if (line.starts_with("-A ") && current != nullptr) {
            current->iptables_rules.emplace_back(line);
        } else if (line.starts_with("###")) {
            current = nullptr;  // "### END RULES ###", and the logging section after it
        }
    }
    return out;
}

std::string ufw_status_line(const UfwRule& rule) {
    std::vector<std::string> attributes;
    if (!rule.log.empty()) attributes.push_back(rule.log);
    if (rule.direction == "out") attributes.emplace_back("out");
    std::string direction = rule.route ? "FWD" : rule.direction;
    std::transform(direction.begin(), direction.end(), direction.begin(), [](unsigned char c) { return std::toupper(c); });
    std::string action = rule.action;
    std::transform(action.begin(), action.end(), action.begin(), [](unsigned char c) { return std::toupper(c); });
    std::string line = fmt::format("[{:2}] {:<26} {:<12}{:<26}", rule.number, location_of(rule, true),
                                   action + " " + direction, location_of(rule, false));
    if (!attributes.empty()) line += fmt::format(" ({})", fmt::join(attributes, ", "));
    if (!rule.comment.empty()) line += " # " + rule.comment;
    return std::string(trimmed(line));
}

std::string ufw_config_value(std::string_view text, std::string_view key) { return config_value(text, key); }

bool after_rules_hook_docker_user(std::string_view text) {
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const auto f = fields_of(trimmed(text.substr(0, eol)));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (f.size() >= 4 && f[0] == "-A" && f[1] == "DOCKER-USER") {
            const auto jump = std::find(f.begin(), f.end(), "-j");
            if (jump != f.end() && jump + 1 != f.end() && *(jump + 1) == "ufw-user-forward") return true;
        }
    }
    return false;
}

const UfwRule* ufw_rule_at(const UfwRules& rules, bool v6, std::string_view chain, std::size_t position,
                           std::size_t rules_in_chain) {
    const std::string prefix = fmt::format("-A {} ", chain);
    std::size_t loaded = 0;
    const UfwRule* found = nullptr;
    for (const UfwRule& r : rules.rules) {
        if (r.v6 != v6) continue;
        for (const std::string& line : r.iptables_rules) {
            if (!line.starts_with(prefix)) continue;
            if (loaded == position) found = &r;
            ++loaded;
        }
    }
    return loaded == rules_in_chain ? found : nullptr;
}

}  // namespace dnd
