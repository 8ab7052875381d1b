// kernel.br-netfilter-off: bridged traffic skips iptables (br_netfilter not loaded, or
// bridge-nf-call-iptables = 0): icc=false and hairpin DNAT between containers misbehave.
#include <fmt/format.h>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "evidence_rules.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {
namespace {

constexpr CauseInfo kCause{
    .id = "kernel.br-netfilter-off",
    .severity = Severity::warning,
    .summary = "bridge traffic bypasses netfilter: icc=false and some hairpin paths silently misbehave",
    .evidence = "/proc/sys/net/bridge/bridge-nf-call-iptables",
    .fix = "load br_netfilter, set the sysctl",
    .rationale = "Packets between containers on the same bridge are switched at layer 2 and only pass "
        "iptables when the br_netfilter module is loaded and bridge-nf-call-iptables is 1. "
        "Without it, rules Docker relies on for bridge-local traffic (icc=false isolation, some "
        "hairpin NAT cases) silently do nothing. Loading the module and setting the sysctl restores them.",
};

CheckResult run(const Facts& f) {
    CheckResult result;
    const Container* c = container_to_judge(f, result.undecided);
    // Only containers on a bridge-like network have bridged traffic; a rootless engine's
    // bridge is in rootlesskit's namespace, whose sysctls are not the host's.
    if (!c || !publishes_ports(*c) || engine_is_rootless(f)) return result;
    const auto& sysctls = f.host->sysctls;
    if (!sysctls) {
        result.undecided.push_back(unavailable_reason("host.sysctls", sysctls.error()));
        return result;
    }
    constexpr std::string_view key = "net.bridge.bridge-nf-call-iptables";
    auto it = sysctls->find(std::string(key));
    if (it != sysctls->end() && it->second != "0") return result;

    Finding finding = new_finding(kCause);
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

}  // namespace

const Check& kernel_br_netfilter_off() {
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
