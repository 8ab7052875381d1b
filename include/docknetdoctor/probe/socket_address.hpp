#pragma once
// A numeric IP address and port as the socket calls take it: one home for the probes, the
// DNS query and the test harness's connections.
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace dnd {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// IPv4 or IPv6 ("[::1]" too), numeric only: a probe must not depend on (or wait for) name
// resolution. nullopt for anything else.
std::optional<SocketAddress> numeric_address(std::string_view text, std::uint16_t port);

}  // namespace dnd
