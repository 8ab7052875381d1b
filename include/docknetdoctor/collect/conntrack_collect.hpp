#pragma once
// Connection tracking entries over ctnetlink (libnetfilter_conntrack): the entries to a
// container's published host ports, for conntrack.stale-entry, and one traced flow's.
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "docknetdoctor/model/conntrack.hpp"
#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/packet_path.hpp"
#include "docknetdoctor/model/port.hpp"

namespace dnd {

// The IPv4 and IPv6 entries whose original destination port and protocol are one of
// `ports`, at most `keep_per_port` to each (the dump is read to its end either way). One dump costs a
// walk of the kernel's whole table: ask once for every port a run needs. Errors (source
// "conntrack"): no CAP_NET_ADMIN, no conntrack in this kernel.
Result<std::vector<ConntrackEntry>> read_conntrack_to_ports(std::span<const PortKey> ports, std::size_t keep_per_port);

// The entry of the flow `packet` opens (its whole original tuple), nullopt when conntrack
// holds none.
Result<std::optional<ConntrackEntry>> read_conntrack_flow(const Packet& packet);

}  // namespace dnd
