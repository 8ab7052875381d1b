// swarm.ingress-unavailable: a Swarm task's service publishes ports through the routing mesh
// (ingress mode), and this kernel has no IPVS, which the mesh balances with: every node
// refuses those ports.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/docker_name.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "swarm.ingress-unavailable",
    .severity = Severity::critical,
    .summary = "the routing mesh cannot work: no IPVS in the kernel",
    .evidence = "the service's Endpoint.Ports (PublishMode ingress), /sys/module/ip_vs",
    .fix = "publish in host mode (docker service update --publish-add mode=host,...), or a kernel with ip_vs",
    .rationale = "A Swarm service published in ingress mode is reached through the routing mesh: every node "
        "accepts the port and IPVS, in the ingress_sbox namespace, balances it to the tasks. Without IPVS in the "
        "kernel dockerd cannot set the mesh up (it logs \"Could not get ipvs family information from the "
        "kernel\"), so the port is refused on every node while the tasks run and the task containers look "
        "healthy. Host-mode publishing binds the port on each task's node instead and needs no IPVS.",
};

std::string port_text(const ServicePort& p) { return fmt::format("{}->{}", p.published, p.target.str()); }

// The service's ports published through the mesh, those of --port only when it is given.
std::vector<ServicePort> ingress_ports(const Facts& f, const std::vector<ServicePort>& ports) {
    std::vector<ServicePort> out;
    for (const auto& p : ports)
        if (p.mode == "ingress" && p.published != 0 && (!f.query.port || *f.query.port == p.target)) out.push_back(p);
    return out;
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
        // The mesh itself (ingress_sbox, its IPVS services) is not read: never "ok" about it.
        result.undecided.push_back(fmt::format("service {} publishes {} through the routing mesh, which this version "
                                               "does not read (IPVS is loaded)",
                                               service.name, fmt::join(texts, ", ")));
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
