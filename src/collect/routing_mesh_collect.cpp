// The routing mesh of this node (swarm_collect.hpp): the ingress_sbox namespace's rules
// and IPVS table, read from inside it.
#include "docknetdoctor/collect/ipvs_collect.hpp"
#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"
#include "docknetdoctor/probe/probe.hpp"

namespace dnd {

std::string ingress_sandbox_beside(const std::string& sandbox_key) {
    const auto slash = sandbox_key.rfind('/');
    if (slash == std::string::npos || slash == 0) return {};
    return sandbox_key.substr(0, slash + 1) + std::string(kIngressSandboxName);
}

Result<RoutingMesh> read_routing_mesh(const std::string& sandbox) {
    RoutingMesh mesh;
    mesh.sandbox = sandbox;
    auto entered = run_in_netns(sandbox, [&] {
        mesh.nftables = nf::read_nftables();
        // /proc/self/net is the thread group leader's namespace; thread-self/net is this one.
        mesh.iptables_legacy = nf::read_iptables_legacy("/proc/thread-self");
        mesh.ipvs = read_ipvs_services();
    });
    if (!entered) return std::unexpected(entered.error());
    return mesh;
}

}  // namespace dnd
