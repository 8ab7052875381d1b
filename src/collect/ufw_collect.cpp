// UFW's state from its files (see ufw_collect.hpp).
#include "docknetdoctor/collect/ufw_collect.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr std::string_view kConfigDir = "/etc/ufw";
constexpr std::string_view kDefaults = "/etc/default/ufw";

Error read_error(const std::string& path, int error) {
    return Error{"ufw", fmt::format("{}: {}", path, std::strerror(error))};
}

// user.rules, then user6.rules when IPv6 is on, numbered on from where the first ends.
Result<UfwRules> read_rules(const std::string& root, bool ipv6) {
    UfwRules all;
    for (const bool v6 : {false, true}) {
        if (v6 && !ipv6) break;
        const std::string path = fmt::format("{}{}/{}", root, kConfigDir, v6 ? "user6.rules" : "user.rules");
        const auto text = read_text_file(path);
        if (!text) return std::unexpected(read_error(path, text.error()));
        const int next = all.rules.empty() ? 1 : all.rules.back().number + 1;
        UfwRules file = parse_ufw_rules_file(*text, v6, next);
        all.malformed += file.malformed;
        for (UfwRule& r : file.rules) all.rules.push_back(std::move(r));
    }
    return all;
}

}  // namespace

std::string ufw_root_from_environment() {
    const char* root = std::getenv(kUfwRootVariable);
    return root ? std::string(root) : std::string{};
}

Result<UfwState> read_ufw_state(const std::string& root) {
    UfwState state;
    state.config_dir = std::string(kConfigDir);
    const std::string conf_path = fmt::format("{}{}/ufw.conf", root, kConfigDir);
    const auto conf = read_text_file(conf_path);
    if (!conf && conf.error() == ENOENT) {
        state.rules = fail("ufw", "ufw is not installed (no /etc/ufw/ufw.conf)");
        state.docker_user_hooked = false;
        return state;
    }
    if (!conf) return std::unexpected(read_error(conf_path, conf.error()));
    state.installed = true;
    state.enabled = ufw_config_value(*conf, "ENABLED") == "yes";

    if (const auto defaults = read_text_file(root + std::string(kDefaults))) {
        state.default_input_policy = ufw_config_value(*defaults, "DEFAULT_INPUT_POLICY");
        state.default_output_policy = ufw_config_value(*defaults, "DEFAULT_OUTPUT_POLICY");
        state.default_forward_policy = ufw_config_value(*defaults, "DEFAULT_FORWARD_POLICY");
        state.ipv6 = ufw_config_value(*defaults, "IPV6") != "no";
    }
    state.rules = read_rules(root, state.ipv6);

    const std::string after_path = fmt::format("{}{}/after.rules", root, kConfigDir);
    if (const auto after = read_text_file(after_path)) state.docker_user_hooked = after_rules_hook_docker_user(*after);
    else if (after.error() == ENOENT) state.docker_user_hooked = false;
    else state.docker_user_hooked = std::unexpected(read_error(after_path, after.error()));
    return state;
}

}  // namespace dnd
