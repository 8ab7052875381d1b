// The host port as a local service: the same packet evaluated with the nat chains passed over.
#include "docknetdoctor/path/local_service_path.hpp"

#include "path_internal.hpp"

namespace dnd {

PathResult evaluate_as_local_service(const HostNetwork& host, const Packet& packet) {
    return path::evaluate(host, packet, recorded_lookups(host), path::NatChains::skip);
}

}  // namespace dnd
