// Queries over firewalld's state (see firewalld.hpp).
#include "docknetdoctor/model/firewalld.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dnd {

std::string_view to_string(FirewalldSource source) {
    switch (source) {
        case FirewalldSource::none: return "none";
        case FirewalldSource::runtime: return "runtime";
        case FirewalldSource::files: return "files";
    }
    return "none";
}

const FirewalldZone* find_zone(const FirewalldState& state, std::string_view name) {
    const auto it = std::find_if(state.zones.begin(), state.zones.end(), [&](const auto& z) { return z.name == name; });
    return it == state.zones.end() ? nullptr : &*it;
}

const FirewalldPolicy* find_policy(const FirewalldState& state, std::string_view name) {
    const auto it =
        std::find_if(state.policies.begin(), state.policies.end(), [&](const auto& p) { return p.name == name; });
    return it == state.policies.end() ? nullptr : &*it;
}

bool interface_binding_known(const FirewalldState& state, const std::string& interface) {
    const auto it = state.interface_zones.find(interface);
    if (it == state.interface_zones.end()) return false;
    return state.source == FirewalldSource::runtime || !it->second.empty();
}

std::optional<std::string> effective_zone_of(const FirewalldState& state, const std::string& interface) {
    if (!interface_binding_known(state, interface)) return std::nullopt;
    const std::string& bound = state.interface_zones.at(interface);
    if (!bound.empty()) return bound;
    if (state.default_zone.empty()) return std::nullopt;
    return state.default_zone;
}

std::optional<FirewalldChainOwner> firewalld_chain_owner(std::string_view chain) {
    // "<table>_<hook>_<name>[_<part>]": filter_IN_public_allow, nat_PRE_policy_x_pre.
    constexpr std::array<std::string_view, 4> tables{"filter_", "nat_", "mangle_", "raw_"};
    constexpr std::array<std::string_view, 6> hooks{"IN_", "FWD_", "OUT_", "PRE_", "POST_", "FWDO_"};
    constexpr std::array<std::string_view, 5> parts{"pre", "log", "deny", "allow", "post"};
    const auto cut_prefix = [&chain](const auto& prefixes) {
        for (std::string_view p : prefixes)
            if (chain.starts_with(p)) {
                chain.remove_prefix(p.size());
                return true;
            }
        return false;
    };
    if (!cut_prefix(tables) || !cut_prefix(hooks) || chain.empty()) return std::nullopt;
    FirewalldChainOwner owner;
    for (std::string_view part : parts)
        if (chain.size() > part.size() + 1 && chain.ends_with(part) && chain[chain.size() - part.size() - 1] == '_') {
            owner.part = std::string(part);
            chain.remove_suffix(part.size() + 1);
            break;
        }
    constexpr std::string_view kPolicy = "policy_";
    if (chain.starts_with(kPolicy) && chain.size() > kPolicy.size()) owner.policy = std::string(chain.substr(kPolicy.size()));
    else owner.zone = std::string(chain);
    return owner;
}

std::vector<std::string> describe_rules(const FirewalldRules& rules) {
    std::vector<std::string> lines{fmt::format("target: {}", rules.target.empty() ? "default" : rules.target)};
    if (!rules.services.empty()) lines.push_back(fmt::format("services: {}", fmt::join(rules.services, " ")));
    if (!rules.ports.empty()) lines.push_back(fmt::format("ports: {}", fmt::join(rules.ports, " ")));
    if (rules.masquerade) lines.push_back("masquerade: yes");
    if (!rules.forward_ports.empty()) {
        std::vector<std::string> forwards;
        for (const auto& f : rules.forward_ports)
            forwards.push_back(fmt::format("port={}:proto={}:toport={}:toaddr={}", f.port, f.protocol, f.to_port, f.to_addr));
        lines.push_back(fmt::format("forward-ports: {}", fmt::join(forwards, " ")));
    }
    for (const auto& rich : rules.rich_rules) lines.push_back(fmt::format("rich rule: {}", rich));
    return lines;
}

}  // namespace dnd
