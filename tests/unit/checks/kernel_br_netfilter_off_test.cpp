// kernel.br-netfilter-off: bridged traffic skips iptables (br_netfilter not loaded, or
// bridge-nf-call-iptables = 0).
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "lsmod shows no br_netfilter on this host."
TEST(KernelBrNetfilterOff, FiresWhenTheModuleIsNotLoaded) {
    auto r = checks::kernel_br_netfilter_off().run(FactsBuilder().no_sysctl("net.bridge.bridge-nf-call-iptables").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "kernel.br-netfilter-off", std::nullopt, Severity::warning,
                            "br_netfilter is not loaded: traffic between containers on a bridge bypasses iptables"));
    EXPECT_THAT(f.evidence, ElementsAre("net.bridge.bridge-nf-call-iptables is absent (/proc/sys/net/bridge/ does not "
                                        "exist: module br_netfilter not loaded)",
                                        "web is attached to a bridge network (default)"));
    EXPECT_THAT(f.fix, ElementsAre("modprobe br_netfilter (persist: echo br_netfilter > /etc/modules-load.d/br_netfilter.conf)",
                                   "sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1"));
}

// "Someone ran sysctl net.bridge.bridge-nf-call-iptables=0."
TEST(KernelBrNetfilterOff, FiresWhenTheSysctlIsZero) {
    auto r = checks::kernel_br_netfilter_off().run(FactsBuilder().sysctl("net.bridge.bridge-nf-call-iptables", "0").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "bridge-nf-call-iptables is 0: traffic between containers on a bridge bypasses iptables");
    EXPECT_THAT(f.evidence, Contains("net.bridge.bridge-nf-call-iptables = 0 (/proc/sys/net/bridge/bridge-nf-call-iptables)"));
}

// "br_netfilter loaded, bridge-nf-call-iptables = 1": the healthy default.
TEST(KernelBrNetfilterOff, QuietWhenBridgedTrafficIsFiltered) {
    EXPECT_TRUE(quiet(checks::kernel_br_netfilter_off().run(FactsBuilder().build())));
}

// "--network host, no br_netfilter": no bridged traffic at all.
TEST(KernelBrNetfilterOff, QuietInHostMode) {
    auto f = FactsBuilder().network_mode("host").no_sysctl("net.bridge.bridge-nf-call-iptables").build();
    EXPECT_TRUE(quiet(checks::kernel_br_netfilter_off().run(f)));
}

// "Rootless Docker, no br_netfilter on the host": its bridge is in rootlesskit's namespace.
TEST(KernelBrNetfilterOff, QuietForARootlessEngine) {
    auto f = FactsBuilder().rootless().no_sysctl("net.bridge.bridge-nf-call-iptables").build();
    EXPECT_TRUE(quiet(checks::kernel_br_netfilter_off().run(f)));
}

// "The sysctls could not be read."
TEST(KernelBrNetfilterOff, UndecidedWithoutTheSysctls) {
    auto r = checks::kernel_br_netfilter_off().run(FactsBuilder().unavailable(Fact::sysctls).build());
    EXPECT_TRUE(undecided_only(r, {"needs host.sysctls (procfs: permission denied)"}));
}

}  // namespace
}  // namespace dnd
