// This host's own addresses, to tell whether --from is a local client.
#include "docknetdoctor/collect/host_addresses.hpp"

#include <array>
#include <cstring>
#include <optional>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

namespace dnd {
namespace {

// 16 bytes: IPv4 as IPv4-mapped IPv6, so "127.0.0.1" and "::ffff:127.0.0.1" compare equal.
using AddressBytes = std::array<unsigned char, 16>;

std::optional<AddressBytes> parse_address(std::string_view text) {
    const std::string s(text);
    AddressBytes out{};
    in_addr v4{};
    if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return out;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(out.data(), &v6, 16);
        return out;
    }
    return std::nullopt;
}

bool is_v4_mapped(const AddressBytes& a) {
    for (int i = 0; i < 10; ++i)
        if (a[i] != 0) return false;
    return a[10] == 0xff && a[11] == 0xff;
}

bool is_loopback(const AddressBytes& a) {
    if (is_v4_mapped(a)) return a[12] == 127;
    static const AddressBytes v6_loopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return a == v6_loopback;
}

}  // namespace

std::vector<std::string> host_addresses() {
    std::vector<std::string> out;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return out;
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        char text[INET6_ADDRSTRLEN] = {};
        if (i->ifa_addr->sa_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            if (::inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text)) out.emplace_back(text);
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            if (::inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text)) out.emplace_back(text);
        }
    }
    ::freeifaddrs(list);
    return out;
}

std::vector<std::string> host_addresses(const Result<std::vector<Address>>& collected) {
    if (!collected) return host_addresses();
    std::vector<std::string> out;
    out.reserve(collected->size());
    for (const Address& a : *collected) out.push_back(a.address);
    return out;
}

bool is_local_address(std::string_view address, const std::vector<std::string>& host_addresses) {
    auto wanted = parse_address(address);
    if (!wanted) return false;
    if (is_loopback(*wanted)) return true;
    for (const auto& h : host_addresses)
        if (parse_address(h) == wanted) return true;
    return false;
}

}  // namespace dnd
