// kernel.ip-forward-disabled: net.ipv4.ip_forward = 0, so the host does not forward the
// DNAT'd packets from outside clients to the container's bridge.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/causes.hpp"
#include "docknetdoctor/facts_query.hpp"
#include "docknetdoctor/fix_command.hpp"
#include "docknetdoctor/netfilter_query.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {

CheckResult kernel_ip_forward_disabled(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    // rootlesskit forwards the ports itself, inside its own namespace (engine.rootless).
    if (!c || !has_published_host_port(f) || engine_is_rootless(f)) return result;
    const auto& sysctls = f.host.sysctls;
    if (!sysctls) {
        result.undecided.push_back(unavailable_reason("host.sysctls", sysctls.error()));
        return result;
    }
    auto it = sysctls->find("net.ipv4.ip_forward");
    if (it == sysctls->end()) {
        result.undecided.push_back("needs net.ipv4.ip_forward (not among the sysctls read)");
        return result;
    }
    if (it->second != "0") return result;

    Finding finding = new_finding("kernel.ip-forward-disabled");
    const auto ports = ports_in_question(f);
    if (ports.size() == 1) finding.port = ports.front();
    // A client on this host goes through OUTPUT, not FORWARD: only remote clients are cut off.
    if (f.query.from_is_local) finding.severity = Severity::warning;
    finding.title = fmt::format("IP forwarding is off on the host: published ports of {} cannot be reached from "
                                "other hosts",
                                container_ref(f));
    finding.evidence.push_back("net.ipv4.ip_forward = 0 (/proc/sys/net/ipv4/ip_forward)");
    for (PortKey p : ports)
        if (!bindings_of(*c, p).empty()) finding.evidence.push_back(bindings_evidence(*c, p));
    if (f.paths)
        for (const PathResult& path : *f.paths)
            if (is_denied(path) && path.decided_hook == "routing")
                finding.evidence.push_back(fmt::format("path: {} stops at routing: {}", describe_packet(path.packet),
                                                       path.decided_by));
    if (f.host.daemon && f.host.daemon->ip_forward == false)
        finding.evidence.push_back("dockerd runs with --ip-forward=false: it did not turn forwarding on");
    if (f.query.from_is_local)
        finding.evidence.push_back(fmt::format("the client ({}) is on this host: its packets are not forwarded",
                                               f.query.from.value_or("local")));
    finding.fix.push_back(fix_running("turn forwarding on", "sysctl -w net.ipv4.ip_forward=1"));
    finding.fix.push_back(fix_running("keep it on after a reboot",
                                      "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/99-docker-forward.conf"));
    finding.fix.push_back("find what turned it off: grep -r ip_forward /etc/sysctl.conf /etc/sysctl.d; "
                          "dockerd --ip-forward=false");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace dnd::checks
