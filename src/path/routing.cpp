// The routing decision over the collected routes: local table first (as the kernel's
// default rules do), then main; longest prefix, lowest metric.
#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

#include "path_internal.hpp"

namespace dnd::path {

std::optional<nf::Bytes> parse_ip(std::string_view text, int family) {
    std::string s(text);
    nf::Bytes out;
    if (family != 6) {
        std::array<std::uint8_t, 4> v4{};
        if (::inet_pton(AF_INET, s.c_str(), v4.data()) == 1) return nf::Bytes(v4.begin(), v4.end());
    }
    if (family != 4) {
        std::array<std::uint8_t, 16> v6{};
        if (::inet_pton(AF_INET6, s.c_str(), v6.data()) == 1) return nf::Bytes(v6.begin(), v6.end());
    }
    return std::nullopt;
}

bool in_prefix(const nf::Bytes& address, const nf::Bytes& network, int prefix_len) {
    if (address.size() != network.size() || prefix_len < 0 || static_cast<std::size_t>(prefix_len) > address.size() * 8)
        return false;
    int full = prefix_len / 8;
    for (int i = 0; i < full; ++i)
        if (address[static_cast<std::size_t>(i)] != network[static_cast<std::size_t>(i)]) return false;
    if (int rest = prefix_len % 8; rest != 0) {
        auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
        auto i = static_cast<std::size_t>(full);
        if ((address[i] & mask) != (network[i] & mask)) return false;
    }
    return true;
}

std::optional<std::pair<nf::Bytes, int>> parse_cidr(std::string_view text, int family) {
    const std::size_t width = family == 6 ? 128 : 32;
    if (text == "default") return std::pair{nf::Bytes(width / 8, 0), 0};
    auto slash = text.find('/');
    auto address = parse_ip(text.substr(0, slash), family);
    if (!address) return std::nullopt;
    int len = static_cast<int>(width);
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
        if (ec != std::errc{} || ptr != digits.data() + digits.size() || len < 0 || len > static_cast<int>(width))
            return std::nullopt;
    }
    return std::pair{*address, len};
}

namespace {

struct Best {
    const Route* route = nullptr;
    int prefix_len = -1;
};

Best longest_match(const std::vector<Route>& routes, int family, int table, const nf::Bytes& daddr) {
    Best best;
    for (const Route& r : routes) {
        if (r.family != family || r.table != table) continue;
        auto cidr = parse_cidr(r.destination, family);
        if (!cidr || !in_prefix(daddr, cidr->first, cidr->second)) continue;
        if (cidr->second > best.prefix_len || (cidr->second == best.prefix_len && r.metric < best.route->metric))
            best = {&r, cidr->second};
    }
    return best;
}

}  // namespace

PathResult unknown_at_routing(const Packet& p, std::string rule, std::string decided_by, std::string why) {
    PathResult r;
    r.packet = p;
    r.final_packet = p;
    r.verdict = PathVerdict::unknown;
    r.decided_hook = "routing";
    r.decided_by = std::move(decided_by);
    PathStep step;
    step.hook = "routing";
    step.where = "routing";
    step.rule = std::move(rule);
    step.result = StepResult::unknown;
    step.note = std::move(why);
    r.steps.push_back(std::move(step));
    return r;
}

RouteDecision route_lookup(const HostNetwork& host, int family, const nf::Bytes& daddr) {
    RouteDecision d;
    if (!host.routes) {
        d.note = "routes unavailable: " + host.routes.error().message;
        return d;
    }
    const std::string shown = nf::format_address(daddr);
    if (auto local = longest_match(*host.routes, family, 255, daddr); local.route != nullptr) {
        const Route& r = *local.route;
        if (r.type == "local" || r.type == "broadcast" || r.type == "multicast") {
            d.kind = RouteDecision::Kind::local;
            d.oif = r.oifname;
            d.note = fmt::format("{} is {} (table local: {} dev {})", shown, r.type, r.destination, r.oifname);
            return d;
        }
    }
    auto main = longest_match(*host.routes, family, 254, daddr);
    if (main.route == nullptr) {
        d.note = fmt::format("no route to {} in tables local and main", shown);
        return d;
    }
    const Route& r = *main.route;
    if (r.type != "unicast" && !r.type.empty()) {
        d.note = fmt::format("route {} to {} is of type {}", r.destination, shown, r.type);
        return d;
    }
    d.kind = RouteDecision::Kind::forward;
    d.oif = r.oifname;
    d.note = r.gateway.empty() ? fmt::format("{} via route {} dev {}", shown, r.destination, r.oifname)
                               : fmt::format("{} via route {} via {} dev {}", shown, r.destination, r.gateway, r.oifname);
    return d;
}

std::optional<std::uint32_t> address_type(const HostNetwork& host, int family, const nf::Bytes& address) {
    if (host.addresses) {
        for (const Address& a : *host.addresses)
            if (a.family == family && parse_ip(a.address, family) == address) return 2;  // RTN_LOCAL
    }
    if (!host.routes) return std::nullopt;
    if (family == 4 && address.size() == 4 && (address[0] & 0xf0) == 0xe0) return 5;  // RTN_MULTICAST
    if (family == 6 && address.size() == 16 && address[0] == 0xff) return 5;
    if (auto local = longest_match(*host.routes, family, 255, address); local.route != nullptr) {
        if (local.route->type == "local") return 2;
        if (local.route->type == "broadcast") return 3;
    }
    auto main = longest_match(*host.routes, family, 254, address);
    if (main.route == nullptr) return 7;  // RTN_UNREACHABLE: what fib answers without a route
    if (main.route->type == "blackhole") return 6;
    if (main.route->type == "unreachable") return 7;
    if (main.route->type == "prohibit") return 8;
    return 1;  // RTN_UNICAST
}

std::optional<int> ifindex_of(const HostNetwork& host, std::string_view name) {
    if (!host.links) return std::nullopt;
    for (const Link& l : *host.links)
        if (l.name == name) return l.index;
    return std::nullopt;
}

}  // namespace dnd::path
