#pragma once
// A Swarm task's service: what it publishes and whether this kernel can run the routing
// mesh its ingress ports need.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

// The label the engine puts on every task container.
inline constexpr std::string_view kSwarmServiceIdLabel = "com.docker.swarm.service.id";

// The routing mesh read from inside the namespace at SANDBOX: its nftables and
// iptables-legacy rules (the mangle marks) and its IPVS services. An error when the
// namespace cannot be entered; each part keeps its own error otherwise.
Result<RoutingMesh> read_routing_mesh(const std::string& sandbox);

// nullopt when the container is no task. A service the engine cannot answer for is kept as
// its id and name (from the labels) with the error in ports. sys_root is normally "/sys";
// read_mesh reads ingress_sbox (a run's SwarmCache shares one read among its tasks).
std::optional<SwarmService> read_swarm_service(
    const DockerClient& client, const Container& c, const std::string& sys_root = "/sys",
    const std::function<Result<RoutingMesh>(const std::string& sandbox)>& read_mesh = read_routing_mesh);

// The service the user named (its name or id, as `docker service inspect` takes them), or
// nullopt when the engine knows none by it: no such service, or an engine that is no swarm
// manager (only managers answer for services). Ports as read_swarm_service reads them.
Result<std::optional<SwarmService>> find_service(const DockerClient& client, std::string_view name);

Result<std::vector<SwarmTask>> parse_task_list(std::string_view body);

// Whether the orchestrator still wants the task to run (desired running, or ready: being
// retried), not given up on.
bool is_wanted(const SwarmTask& task);

// The service's tasks (GET /tasks filtered by the service), the wanted ones first, then by
// slot.
Result<std::vector<SwarmTask>> read_service_tasks(const DockerClient& client, const SwarmService& service);

// Whether the container runs as a task of the service with this id (its label says so).
bool is_task_of(const Container& c, std::string_view service_id);

// Whether the container runs as a task of any service.
bool is_swarm_task(const Container& c);

// /info's Swarm part: nullopt when the engine is in no swarm (LocalNodeState not
// "active"); nodes holds the managers a worker knows of.
Result<std::optional<SwarmMembership>> parse_swarm_info(std::string_view body);

// GET /nodes (managers only), without the node SELF_ID (this one).
Result<std::vector<SwarmNode>> parse_node_list(std::string_view body, std::string_view self_id);

// This engine's swarm membership: /info, then on a manager /nodes for the other nodes
// (a failure there is kept in nodes). nullopt: in no swarm. Paths are left to the caller.
Result<std::optional<SwarmMembership>> read_swarm_membership(const DockerClient& client);

// Whether a diagnosis of the container asks about the swarm's node ports: it is a task, or
// on an overlay network (whose traffic to other nodes crosses them).
bool crosses_swarm_nodes(const Container& c, const std::vector<NetworkInfo>& networks);

// The engine's namespace for the routing mesh, beside every container's: its netns file is
// named so in the directory of each SandboxKey.
inline constexpr std::string_view kIngressSandboxName = "ingress_sbox";

// The ingress_sbox file beside a container's SandboxKey ("/var/run/docker/netns/ID" ->
// "/var/run/docker/netns/ingress_sbox"); "" for a key without a directory.
std::string ingress_sandbox_beside(const std::string& sandbox_key);

// Whether SYS_ROOT/module/ip_vs exists: IPVS is loaded or built in.
Result<bool> kernel_has_ipvs(const std::string& sys_root);

}  // namespace dnd
