#pragma once
// The links a container's packets leave this host by on their way to its clients, and the
// MTU each allows: the path's narrowest part that this host can see.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/host_network.hpp"

namespace dnd {

struct EgressLink {
    std::string name;
    int mtu = 0;
    std::string chosen_by;  // "the default route", "the route to 192.0.2.7", "route 10.0.0.0/24"
};

// Toward ADDRESS (a client: --from, another swarm node) when given: the link the route to it
// leaves by. Otherwise the default route's link (the lowest metric's); on a host without a
// default route, every link a main-table route leaves by that is not one of Docker's
// bridges (docker0, docker_gwbridge, br-*, or one named in DOCKER_BRIDGES) or a bridge's port: clients
// then sit on those networks. Local and unreachable destinations give none. An error when
// the routes or links were not read.
Result<std::vector<EgressLink>> egress_links(const HostNetwork& host, const std::optional<std::string>& toward,
                                             const std::vector<std::string>& docker_bridges);

}  // namespace dnd
