#pragma once
// Is an address this host's own? (for Query::from_is_local)
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/host_network.hpp"

namespace dnd {

// The addresses of this host's interfaces (getifaddrs), in presentation form.
std::vector<std::string> host_addresses();
// The same from the addresses a collection already read (its rtnetlink dump): the probes
// then need not ask the kernel for every link again. getifaddrs when they could not be read.
std::vector<std::string> host_addresses(const Result<std::vector<Address>>& collected);

// True when address is loopback (127.0.0.0/8, ::1, ::ffff:127.x.y.z) or equal, as an
// address rather than as text, to one of host_addresses. False when it is not an address.
bool is_local_address(std::string_view address, const std::vector<std::string>& host_addresses);

}  // namespace dnd
