#pragma once
// An address with a port as people and tools write it: "172.17.0.2:80", "[::1]:8080".
#include <cstdint>
#include <string>
#include <string_view>

namespace dnd {

// IPv6 (family 6) in brackets, so the port stays readable; an unknown (empty) IPv6
// address still shows its brackets: "[]:8080".
std::string format_endpoint(int family, std::string_view address, std::uint16_t port);
// The family told by the address: one with a colon is IPv6.
std::string format_endpoint(std::string_view address, std::uint16_t port);

}  // namespace dnd
