// A task's service (swarm_collect.hpp).
#include "docknetdoctor/collect/swarm_collect.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include <fmt/format.h>

#include "docknetdoctor/model/docker_name.hpp"

namespace dnd {
namespace {

// The id of the service the container is a task of, from its label; "" when it is none.
std::string_view task_service_id(const Container& c) {
    const auto id = c.labels.find(std::string(kSwarmServiceIdLabel));
    return id == c.labels.end() ? std::string_view{} : std::string_view{id->second};
}

}  // namespace

Result<bool> kernel_has_ipvs(const std::string& sys_root) {
    const std::string path = sys_root + "/module/ip_vs";
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) return true;
    if (errno == ENOENT) return false;
    return fail("sysfs", fmt::format("cannot look at {}: {}", path, std::strerror(errno)));
}

Result<std::optional<SwarmService>> find_service(const DockerClient& client, std::string_view name) {
    // Only a name-shaped word goes into the request's path.
    if (!is_docker_name(name)) return std::nullopt;
    return client.get_parsed_if_ok<SwarmService>("/services/" + std::string(name), parse_service_inspect);
}

// A task the orchestrator still wants to run ("ready": it is being retried), not one it
// has given up on (shutdown, remove, complete ...).
bool is_wanted(const SwarmTask& task) { return task.desired_state == "running" || task.desired_state == "ready"; }

Result<std::vector<SwarmTask>> read_service_tasks(const DockerClient& client, const SwarmService& service) {
    if (!is_docker_name(service.id)) return fail("docker-api", fmt::format("service id '{}' is not an id", service.id));
    // filters={"service":["ID"]}, URL-encoded (an id has nothing else to encode).
    auto tasks = client.get_parsed<std::vector<SwarmTask>>(
        fmt::format("/tasks?filters=%7B%22service%22%3A%5B%22{}%22%5D%7D", service.id), parse_task_list);
    if (tasks)
        std::stable_sort(tasks->begin(), tasks->end(), [](const SwarmTask& a, const SwarmTask& b) {
            if (is_wanted(a) != is_wanted(b)) return is_wanted(a);
            return a.slot < b.slot;
        });
    return tasks;
}

bool is_task_of(const Container& c, std::string_view service_id) {
    return !service_id.empty() && task_service_id(c) == service_id;
}

bool is_swarm_task(const Container& c) { return !task_service_id(c).empty(); }

Result<std::optional<SwarmMembership>> read_swarm_membership(const DockerClient& client) {
    auto membership = client.get_parsed<std::optional<SwarmMembership>>("/info", parse_swarm_info);
    if (!membership || !*membership || !(*membership)->manager) return membership;
    SwarmMembership& m = **membership;
    m.nodes = client.get_parsed<std::vector<SwarmNode>>(
        "/nodes", [&](std::string_view body) { return parse_node_list(body, m.node_id); });
    return membership;
}

bool crosses_swarm_nodes(const Container& c, const std::vector<NetworkInfo>& networks) {
    return is_swarm_task(c) ||
           std::any_of(networks.begin(), networks.end(), [](const NetworkInfo& n) { return n.driver == "overlay"; });
}

std::optional<SwarmService> read_swarm_service(const DockerClient& client, const Container& c,
                                               const std::string& sys_root,
                                               const std::function<Result<RoutingMesh>(const std::string&)>& read_mesh) {
    const std::string_view id = task_service_id(c);
    if (id.empty()) return std::nullopt;
    SwarmService service;
    service.id = std::string(id);
    if (auto name = c.labels.find("com.docker.swarm.service.name"); name != c.labels.end()) service.name = name->second;
    // The id is the engine's, but a label is anyone's to set: only a name-shaped id is asked for.
    auto answer = is_docker_name(service.id)
                      ? client.get_parsed<SwarmService>("/services/" + service.id, parse_service_inspect)
                      : Result<SwarmService>(fail("docker-api", fmt::format("service id label '{}' is not an id",
                                                                            service.id)));
    if (answer) {
        if (!answer->name.empty()) service.name = answer->name;
        service.ports = std::move(answer->ports);
    } else {
        service.ports = std::unexpected(answer.error());
    }
    service.tasks = answer ? read_service_tasks(client, service) : Result<std::vector<SwarmTask>>(std::unexpected(answer.error()));
    service.kernel_has_ipvs = kernel_has_ipvs(sys_root);
    const bool publishes_through_mesh =
        service.ports && std::any_of(service.ports->begin(), service.ports->end(),
                                     [](const ServicePort& p) { return p.mode == "ingress" && p.published != 0; });
    // Read with or without IPVS: the mesh's rules are there either way, and the kernel's
    // own answer about IPVS then stands beside /sys/module's.
    if (publishes_through_mesh) {
        const std::string sandbox = ingress_sandbox_beside(c.sandbox_key);
        service.mesh = sandbox.empty() ? Result<RoutingMesh>(fail("ipvs", fmt::format("the engine gave no SandboxKey for "
                                                                                        "{}: its ingress_sbox is not known",
                                                                                        c.name)))
                                       : read_mesh(sandbox);
    }
    return service;
}

}  // namespace dnd
