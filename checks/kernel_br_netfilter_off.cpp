// kernel.br-netfilter-off: bridged traffic skips iptables (br_netfilter not loaded, or
// bridge-nf-call-iptables = 0): icc=false and hairpin DNAT between containers misbehave.
#include <fmt/format.h>

#include "checks.hpp"
#include "docknetdoctor/model/causes.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {

CheckResult kernel_br_netfilter_off(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    // Only containers on a bridge-like network have bridged traffic; a rootless engine's
    // bridge is in rootlesskit's namespace, whose sysctls are not the host's.
    if (!c || !publishes_ports(*c) || engine_is_rootless(f)) return result;
    const auto& sysctls = f.host.sysctls;
    if (!sysctls) {
        result.undecided.push_back(unavailable_reason("host.sysctls", sysctls.error()));
        return result;
    }
    constexpr std::string_view key = "net.bridge.bridge-nf-call-iptables";
    auto it = sysctls->find(std::string(key));
    if (it != sysctls->end() && it->second != "0") return result;

    Finding finding = new_finding("kernel.br-netfilter-off");
    if (it == sysctls->end()) {
        finding.title = "br_netfilter is not loaded: traffic between containers on a bridge bypasses iptables";
        finding.evidence.push_back(fmt::format("{} is absent (/proc/sys/net/bridge/ does not exist: module "
                                               "br_netfilter not loaded)",
                                               key));
    } else {
        finding.title = "bridge-nf-call-iptables is 0: traffic between containers on a bridge bypasses iptables";
        finding.evidence.push_back(fmt::format("{} = 0 (/proc/sys/net/bridge/bridge-nf-call-iptables)", key));
    }
    finding.evidence.push_back(fmt::format("{} is attached to a bridge network ({})", container_ref(f),
                                           c->network_mode.empty() ? "default" : c->network_mode));
    finding.fix.push_back("modprobe br_netfilter (persist: echo br_netfilter > /etc/modules-load.d/br_netfilter.conf)");
    finding.fix.push_back("sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1");
    result.findings.push_back(std::move(finding));
    return result;
}

}  // namespace dnd::checks
