#pragma once
// Is an address this host's own? (for Query::from_is_local)
#include <string>
#include <string_view>
#include <vector>

namespace dnd {

// The addresses of this host's interfaces (getifaddrs), in presentation form.
std::vector<std::string> host_addresses();

// True when address is loopback (127.0.0.0/8, ::1, ::ffff:127.x.y.z) or equal, as an
// address rather than as text, to one of host_addresses. False when it is not an address.
bool is_local_address(std::string_view address, const std::vector<std::string>& host_addresses);

}  // namespace dnd
