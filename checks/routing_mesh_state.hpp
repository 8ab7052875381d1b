#pragma once
// What this node's routing mesh does with packets to one port a service publishes in
// ingress mode: the host DNATs it to the ingress_sbox namespace, a mangle rule there marks
// it by port, and the IPVS service of that mark balances it to the tasks.
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

namespace dnd::checks {

struct MeshPortState {
    enum class Kind {
        serves,           // every step is there, and IPVS has a real server of weight > 0
        no_host_dnat,     // the host's DOCKER-INGRESS DNAT for the port is gone
        no_mark,          // ingress_sbox marks no packet to the port
        no_ipvs_service,  // no IPVS service for the mark the port gets
        no_backend,       // the IPVS service has no real server it sends connections to
        unknown,          // a step could not be read (reason)
    };
    Kind kind = Kind::unknown;
    std::vector<std::string> evidence;  // each step read, in packet order
    std::string reason;                 // unknown: what could not be read
};

MeshPortState mesh_port_state(const HostNetwork& host, const RoutingMesh& mesh, const ServicePort& port);

}  // namespace dnd::checks
