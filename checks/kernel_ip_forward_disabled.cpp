// kernel.ip-forward-disabled: net.ipv4.ip_forward = 0, so the host does not forward the
// DNAT'd packets from outside clients to the container's bridge.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/path/kernel_forwarding.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "kernel.ip-forward-disabled",
    .severity = Severity::critical,
    .summary = "net.ipv4.ip_forward=0: forwarded (DNAT) traffic is dropped",
    .evidence = "/proc/sys/net/ipv4/ip_forward (of the host netns)",
    .fix = "sysctl -w net.ipv4.ip_forward=1 and persist",
    .rationale = "Traffic from outside to a published port is DNATed to the container address and then "
        "routed from the host interface to the bridge: that is forwarding. With ip_forward=0 the "
        "kernel drops it, while host-local connections through docker-proxy still work. Docker "
        "turns it on at start, but a sysctl reload or network manager can switch it off later.",
};

// ip_forward = 0 writes 0 to every interface, but an interface switched on again afterwards
// forwards what arrives on it: when every judged packet arrives on such an interface, the
// global switch stops none of them.
bool every_incoming_interface_forwards(const Facts& f) {
    if (!f.paths) return false;
    bool any = false;
    for (const PathResult& path : *f.paths) {
        if (path.packet.iif.empty() || path.packet.family != 4) continue;
        any = true;
        if (forwarding_on_arrival(f.host, 4, path.packet.iif).state != ForwardingOnArrival::State::on) return false;
    }
    return any;
}

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    // rootlesskit forwards the ports itself, inside its own namespace (engine.rootless).
    if (!c || !asks_forwarded_path(f) || engine_is_rootless(f)) return result;
    const auto& sysctls = f.host->sysctls;
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
    if (every_incoming_interface_forwards(f)) return result;

    Finding finding = new_finding(kCause);
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
            if (stopped_by_forwarding(path))
                finding.evidence.push_back(fmt::format("path: {} stops at routing: {}", describe_packet(path.packet),
                                                       path.decided_by));
    if (f.host->daemon && f.host->daemon->ip_forward == false)
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

}  // namespace

const Check& kernel_ip_forward_disabled() {
    static const Check check{
        .cause = kCause,
        .evidence = {
            .open_note = kForwardNote,
        },
        .run = run,
    };
    return check;
}

}  // namespace dnd::checks
