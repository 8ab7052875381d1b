// The kernel's forwarding switches for a packet's incoming interface (kernel_forwarding.hpp).
#include "docknetdoctor/path/kernel_forwarding.hpp"

#include "docknetdoctor/path/netfilter_query.hpp"

namespace dnd {
namespace {

using State = ForwardingOnArrival::State;

std::optional<std::string> sysctl_value(const std::map<std::string, std::string>& sysctls, const std::string& key) {
    auto it = sysctls.find(key);
    if (it == sysctls.end()) return std::nullopt;
    return it->second;
}

bool enabled(const std::string& value) { return value != "0"; }

ForwardingOnArrival ipv4(const std::map<std::string, std::string>& sysctls, const std::string& iif) {
    ForwardingOnArrival out;
    const std::string global_key(global_forwarding_key(4));
    out.global_value = sysctl_value(sysctls, global_key).value_or("");
    const std::string own_key = interface_sysctl_key(4, iif, "forwarding");
    auto own = sysctl_value(sysctls, own_key);
    if (!own) {
        out.unknown_reason = own_key + " was not read";
        return out;
    }
    out.state = enabled(*own) ? State::on : State::off;
    if (out.state == State::off && out.global_value == "0") {
        // ip_forward = 0 wrote 0 to every interface: the global switch is what to change.
        out.key = global_key;
        out.value = out.global_value;
        return out;
    }
    out.key = own_key;
    out.value = *own;
    out.interface_level = out.state == State::off;
    return out;
}

ForwardingOnArrival ipv6(const std::map<std::string, std::string>& sysctls, const std::string& iif) {
    ForwardingOnArrival out;
    const std::string global_key(global_forwarding_key(6));
    auto global = sysctl_value(sysctls, global_key);
    if (!global) {
        out.unknown_reason = global_key + " was not read";
        return out;
    }
    out.global_value = *global;
    const std::string force_key = interface_sysctl_key(6, iif, "force_forwarding");
    if (auto force = sysctl_value(sysctls, force_key); !enabled(*global) && force && enabled(*force)) {
        out.state = State::on;
        out.key = force_key;
        out.value = *force;
        return out;
    }
    out.state = enabled(*global) ? State::on : State::off;
    out.key = global_key;
    out.value = *global;
    return out;
}

}  // namespace

std::string_view global_forwarding_key(int family) {
    return family == 6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward";
}

ForwardingOnArrival forwarding_on_arrival(const HostNetwork& host, int family, const std::string& iif) {
    if (!host.sysctls) {
        ForwardingOnArrival out;
        out.unknown_reason = "the sysctls could not be read (" + host.sysctls.error().message + ")";
        return out;
    }
    return family == 6 ? ipv6(*host.sysctls, iif) : ipv4(*host.sysctls, iif);
}

bool stopped_by_forwarding(const PathResult& path) {
    if (!is_denied(path) || path.decided_hook != "routing") return false;
    const PathStep* step = deciding_step(path);
    return step != nullptr && step->hook == "forwarding";
}

}  // namespace dnd
