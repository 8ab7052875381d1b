// kernel.interface-forwarding-off: net.ipv4.ip_forward is on, but forwarding is off on the
// interface the client's packets arrive on, and that interface's switch is the one the kernel
// reads (kernel_forwarding.hpp). The global switch being off is kernel.ip-forward-disabled.
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"
#include "docknetdoctor/path/kernel_forwarding.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "evidence_rules.hpp"
#include "rootless_engine.hpp"
#include "unknown_paths.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "kernel.interface-forwarding-off",
    .severity = Severity::critical,
    .summary = "forwarding is off on the interface the client's packets arrive on, though global forwarding is on",
    .evidence = "/proc/sys/net/ipv4/conf/IFACE/forwarding (and /proc/sys/net/ipv4/ip_forward)",
    .fix = "enable it on that interface (sysctl, systemd-networkd IPv4Forwarding=/IPForward=)",
    .rationale = "For IPv4 the kernel forwards a packet only if forwarding is on for the interface it "
        "arrived on (net.ipv4.conf.IFACE.forwarding); net.ipv4.ip_forward is only the switch that "
        "writes every interface's value at once. A later per-interface write, as systemd-networkd "
        "makes for the links it manages, turns one interface off while ip_forward still reads 1: "
        "clients whose packets arrive there are dropped at routing, while others still get in. "
        "IPv6 has no such per-interface switch for forwarding (net.ipv6.conf.all.forwarding "
        "decides), so this cause is about IPv4.",
};

std::vector<std::string> fix_for(const std::string& ifname, const std::string& key) {
    return {
        fix_running(fmt::format("turn forwarding on for {}", ifname), fmt::format("sysctl -w {}=1", key)),
        fmt::format("persist it: with systemd-networkd, IPv4Forwarding=yes (IPForward=yes before systemd 256) in the "
                    "[Network] section of the .network file that manages {}; otherwise "
                    "echo '{} = 1' > /etc/sysctl.d/99-docker-forward.conf",
                    ifname, key),
        fmt::format("find what turned it off: networkctl status {}; grep -rs forwarding /etc/systemd/network "
                    "/etc/sysctl.conf /etc/sysctl.d",
                    ifname),
    };
}

CheckResult run(const Facts& f) {
    CheckResult result;
    // rootlesskit forwards the ports itself, inside its own namespace (engine.rootless).
    if (engine_is_rootless(f)) return result;
    const auto judged = paths_to_judge(f, result.undecided);
    if (!judged) return result;
    const Container* c = judged.container;

    // One finding per (container port, incoming interface and family): what the fix changes.
    using Key = std::pair<std::optional<PortKey>, std::string>;
    std::map<Key, std::vector<const PathResult*>> groups;
    std::map<Key, ForwardingOnArrival> settings;
    for (const PathResult& path : *judged.paths) {
        if (!stopped_by_forwarding(path)) continue;
        ForwardingOnArrival setting = forwarding_on_arrival(f.host, path.packet.family, path.packet.iif);
        if (!setting.interface_level) continue;
        Key key{container_port_of(*c, path), setting.key};
        groups[key].push_back(&path);
        settings.emplace(key, std::move(setting));
    }

    for (const auto& [key, paths] : groups) {
        const ForwardingOnArrival& setting = settings.at(key);
        const PathResult& first = *paths.front();
        const std::string& ifname = first.packet.iif;
        Finding finding = new_finding(kCause);
        finding.port = key.first;
        finding.title = fmt::format("forwarding is off on {}, where the client's packets arrive: {}{} cannot be reached "
                                    "through it",
                                    ifname, container_ref(f), key.first ? " port " + key.first->str() : std::string());
        finding.evidence.push_back(fmt::format("{} = {} ({})", setting.key, setting.value,
                                               interface_sysctl_path(first.packet.family, ifname, "forwarding")));
        const std::string global(global_forwarding_key(first.packet.family));
        finding.evidence.push_back(
            setting.global_value.empty()
                ? global + " was not read"
                : fmt::format("{} = {}: on globally, but the kernel reads the switch of the interface a packet "
                              "arrives on",
                              global, setting.global_value));
        for (const PathResult* p : paths)
            finding.evidence.push_back(fmt::format("packet: {} ({} at routing)", describe_packet(p->packet),
                                                   to_string(p->verdict)));
        if (key.first) finding.evidence.push_back(bindings_evidence(*c, *key.first));
        finding.fix = fix_for(ifname, setting.key);
        result.findings.push_back(std::move(finding));
    }
    return result;
}

}  // namespace

const Check& kernel_interface_forwarding_off() {
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
