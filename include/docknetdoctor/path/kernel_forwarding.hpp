#pragma once
// Whether the kernel forwards a packet that arrives on an interface, as the sysctls read say:
// one home for the packet-path evaluator's routing step and the kernel.* checks.
//
// IPv4 (net/ipv4/route.c, ip_route_input_slow): a packet to be forwarded needs
// IN_DEV_FORWARD of the interface it arrives on, that is net.ipv4.conf.IFACE.forwarding alone.
// Writing net.ipv4.ip_forward (conf.all.forwarding) writes every interface's value too, so
// "global on, one interface off" is what a later per-interface write leaves (systemd-networkd
// does it), and "global off, one interface on" forwards from that interface.
// IPv6 (net/ipv6/ip6_output.c, ip6_forward): net.ipv6.conf.all.forwarding decides; the
// per-interface `forwarding` only switches host/router behaviour (RA, neighbour discovery).
// Since Linux 6.17 conf.IFACE.force_forwarding = 1 forwards from that interface whatever
// conf.all.forwarding says (absent on older kernels: no such override).
#include <optional>
#include <string>
#include <string_view>

#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/model/packet_path.hpp"

namespace dnd {

// "net.ipv4.conf.ext0.forwarding": the key HostNetwork::sysctls holds a per-interface value under.
inline std::string interface_sysctl_key(int family, std::string_view ifname, std::string_view setting) {
    return std::string(family == 6 ? "net.ipv6.conf." : "net.ipv4.conf.") + std::string(ifname) + "." +
           std::string(setting);
}

// "/proc/sys/net/ipv4/conf/ext0/forwarding": where that value is read.
inline std::string interface_sysctl_path(int family, std::string_view ifname, std::string_view setting) {
    return std::string(family == 6 ? "/proc/sys/net/ipv6/conf/" : "/proc/sys/net/ipv4/conf/") + std::string(ifname) +
           "/" + std::string(setting);
}

// The global switch: "net.ipv4.ip_forward" / "net.ipv6.conf.all.forwarding".
std::string_view global_forwarding_key(int family);

struct ForwardingOnArrival {
    enum class State { on, off, unknown } state = State::unknown;
    // The setting to blame (off) or that let it through (on): the interface's own value, or
    // the global switch when that is what is off (it turned every interface off with it).
    std::string key;
    std::string value;
    std::string global_value;  // of global_forwarding_key(); "" when not read
    std::string unknown_reason;
    // Off by the interface's own setting while the global switch is not off: the case
    // kernel.interface-forwarding-off names, never kernel.ip-forward-disabled.
    bool interface_level = false;
};

// For a packet of family (4/6) arriving on iif, from host.sysctls.
ForwardingOnArrival forwarding_on_arrival(const HostNetwork& host, int family, const std::string& iif);

// The path ended at the routing step because forwarding is off for its incoming interface
// (the evaluator's "forwarding" step decided it).
bool stopped_by_forwarding(const PathResult& path);

}  // namespace dnd
