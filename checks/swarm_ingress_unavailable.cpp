// swarm.ingress-unavailable: a Swarm task's service publishes ports through the routing mesh
// (ingress mode), and the mesh cannot carry them on this node: the kernel has no IPVS,
// which the mesh balances with (every node refuses those ports), a step of the mesh's rules
// is gone, or IPVS has no task to send the connection to.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/docker_name.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "routing_mesh_state.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "swarm.ingress-unavailable",
    .severity = Severity::critical,
    .summary = "the routing mesh cannot work: no IPVS in the kernel, its rules gone, or no task to balance to",
    .evidence = "the service's Endpoint.Ports (PublishMode ingress), /sys/module/ip_vs, the host's DOCKER-INGRESS "
                "DNAT, ingress_sbox's mangle marks and IPVS services (generic netlink)",
    .fix = "publish in host mode, or a kernel with ip_vs; restart dockerd when the mesh's rules are gone",
    .rationale = "A Swarm service published in ingress mode is reached through the routing mesh: every node "
        "accepts the port and IPVS, in the ingress_sbox namespace, balances it to the tasks. Without IPVS in the "
        "kernel dockerd cannot set the mesh up (it logs \"Could not get ipvs family information from the "
        "kernel\"), so the port is refused on every node while the tasks run and the task containers look "
        "healthy. Host-mode publishing binds the port on each task's node instead and needs no IPVS. With IPVS, a "
        "packet to the port takes three steps on the node it reaches: the host's DOCKER-INGRESS DNAT sends it to "
        "the ingress_sbox namespace, a mangle rule there marks it by port, and the IPVS service of that mark "
        "balances it to a task whose weight is not 0 (the engine sets 0 while a task is unhealthy). A step lost, "
        "to a flushed ruleset for one, or no task to send to, and the port fails on this node.",
};

std::string port_text(const ServicePort& p) { return fmt::format("{}->{}", p.published, p.target.str()); }

// The service's ports published through the mesh, those of --port only when it is given.
std::vector<ServicePort> ingress_ports(const Facts& f, const std::vector<ServicePort>& ports) {
    std::vector<ServicePort> out;
    for (const auto& p : ports)
        if (p.mode == "ingress" && p.published != 0 && (!f.query.port || *f.query.port == p.target)) out.push_back(p);
    return out;
}

// What a step the mesh lost means for the port, for the title.
std::string_view lost_step(MeshPortState::Kind kind) {
    switch (kind) {
        case MeshPortState::Kind::no_host_dnat: return "this host no longer sends it into the mesh";
        case MeshPortState::Kind::no_mark: return "the mesh's namespace no longer marks it for IPVS";
        case MeshPortState::Kind::no_ipvs_service: return "IPVS has no service for it";
        case MeshPortState::Kind::no_backend: return "IPVS has no task to send it to";
        case MeshPortState::Kind::serves:
        case MeshPortState::Kind::unknown: break;
    }
    return "";
}

Finding mesh_finding(const Facts& f, const SwarmService& service, const ServicePort& port, const MeshPortState& state) {
    Finding finding = new_finding(kCause);
    finding.port = port.target;
    finding.title = fmt::format("service {} publishes {} through the routing mesh, but on this node {}", service.name,
                                port_text(port), lost_step(state.kind));
    finding.evidence.push_back(fmt::format("{} is a task of service {} ({}), which publishes {} in ingress mode "
                                           "(Endpoint.Ports)",
                                           container_ref(f), service.name, service.id, port_text(port)));
    finding.evidence.insert(finding.evidence.end(), state.evidence.begin(), state.evidence.end());
    if (state.kind == MeshPortState::Kind::no_backend) {
        const std::string why = "see which tasks are out of the mesh and why (the engine gives a task weight 0 while it "
                                "fails its health check, and removes one that stops)";
        finding.fix.push_back(is_docker_name(service.name)
                                  ? fix_running(why, "docker service ps --no-trunc " + service.name)
                                  : why + ": docker service ps --no-trunc SERVICE");
        finding.fix.push_back("the mesh sends connections again as soon as a task runs and passes its health check");
    } else {
        finding.fix.push_back(fix_running("restart the engine: it builds this node's routing mesh again (the "
                                          "DOCKER-INGRESS rules, ingress_sbox's marks and IPVS services)",
                                          "systemctl restart docker"));
        finding.fix.push_back("find what removed them (a flush of the ruleset, a firewall reload) before it does so "
                              "again");
    }
    return finding;
}

// IPVS is there: each port's way through this node's mesh, read step by step.
void judge_mesh(const Facts& f, const SwarmService& service, const std::vector<ServicePort>& ports,
                CheckResult& result) {
    if (!service.mesh) {
        result.undecided.push_back(unavailable_reason("swarm_service.mesh", service.mesh.error()));
        return;
    }
    for (const auto& port : ports) {
        const MeshPortState state = mesh_port_state(*f.host, *service.mesh, port);
        if (state.kind == MeshPortState::Kind::serves) continue;
        if (state.kind == MeshPortState::Kind::unknown) {
            result.undecided.push_back(fmt::format("service {} publishes {} through the routing mesh: {}", service.name,
                                                   port_text(port), state.reason));
            continue;
        }
        result.findings.push_back(mesh_finding(f, service, port, state));
    }
}

CheckResult run(const Facts& f) {
    CheckResult result;
    if (!f.swarm_service) return result;
    const Container* c = container_to_judge(f, result.undecided);
    if (!c) return result;
    const SwarmService& service = *f.swarm_service;
    if (!service.ports) {
        result.undecided.push_back(unavailable_reason("swarm_service.ports", service.ports.error()));
        return result;
    }
    const auto ports = ingress_ports(f, *service.ports);
    if (ports.empty()) return result;
    std::vector<std::string> texts;
    for (const auto& p : ports) texts.push_back(port_text(p));
    if (!service.kernel_has_ipvs) {
        result.undecided.push_back(unavailable_reason("swarm_service.kernel_has_ipvs", service.kernel_has_ipvs.error()));
        return result;
    }
    if (*service.kernel_has_ipvs) {
        judge_mesh(f, service, ports, result);
        return result;
    }
    Finding finding = new_finding(kCause);
    if (ports.size() == 1) finding.port = ports.front().target;
    finding.title = fmt::format("service {} publishes {} through the routing mesh, and this kernel has no IPVS: "
                                "every node refuses {}",
                                service.name, fmt::join(texts, ", "), ports.size() == 1 ? "it" : "them");
    finding.evidence.push_back(fmt::format("{} is a task of service {} ({}), which publishes {} in ingress mode "
                                           "(Endpoint.Ports)",
                                           container_ref(f), service.name, service.id, fmt::join(texts, ", ")));
    finding.evidence.push_back("/sys/module/ip_vs: absent: IPVS is neither loaded nor built into this kernel");
    if (is_docker_name(service.name)) {  // anything else is not put into a command
        std::string command = "docker service update";
        for (const auto& p : ports)
            // The full form on --publish-rm: "--publish-rm 18600" with the add of the same port is
            // refused ("duplicate published ports") by the CLIs of 20.10 and 28.
            command += fmt::format(" --publish-rm published={0},target={1},protocol={2},mode=ingress"
                                   " --publish-add mode=host,published={0},target={1},protocol={2}",
                                   p.published, p.target.port, to_string(p.target.proto));
        finding.fix.push_back(fix_running("publish on each task's node instead of through the mesh (one task per "
                                          "node on those ports)",
                                          command + " " + service.name));
    } else {
        finding.fix.push_back("publish on each task's node instead of through the mesh: docker service update "
                              "--publish-add mode=host,...");
    }
    finding.fix.push_back("or run the node on a kernel with IPVS (CONFIG_IP_VS; modprobe ip_vs), then restart dockerd");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace

const Check& swarm_ingress_unavailable() {
    static const Check check{
        .cause = kCause,
        .evidence = {},
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
