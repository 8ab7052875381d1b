#pragma once
// A second packet evaluation: the same packet to the host port as if no nat chain rewrote
// it, i.e. what the host's own input rules say about that port as a local service. The
// difference between this and the real path is what exposure.firewall-bypass reports.
// Pure; lives in dnd_path.
#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/path/evaluate.hpp"

namespace dnd {

// evaluate_path() with every nat-type base chain (nftables and legacy) passed over, so no
// DNAT happens; set lookups answered from host's records.
PathResult evaluate_as_local_service(const HostNetwork& host, const Packet& packet);

}  // namespace dnd
