// kernel.ip-forward-disabled: net.ipv4.ip_forward = 0, so the host does not forward the DNAT'd
// packets of outside clients to the container's bridge.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "sysctl net.ipv4.ip_forward says 0, and -p 8080:80 answers nobody from outside."
TEST(KernelIpForwardDisabled, FiresForAnOutsideClient) {
    auto r = checks::kernel_ip_forward_disabled().run(FactsBuilder().sysctl("net.ipv4.ip_forward", "0").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "kernel.ip-forward-disabled", tcp(80), Severity::critical,
                            "IP forwarding is off on the host: published ports of web cannot be reached from other hosts"));
    EXPECT_THAT(f.evidence, ElementsAre("net.ipv4.ip_forward = 0 (/proc/sys/net/ipv4/ip_forward)",
                                        "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                                        "path: tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0 stops at routing: "
                                        "net.ipv4.ip_forward = 0: the host does not forward packets"));
    EXPECT_THAT(f.fix, ElementsAre("turn forwarding on; run: sysctl -w net.ipv4.ip_forward=1",
                                   "keep it on after a reboot; run: echo 'net.ipv4.ip_forward = 1' > "
                                   "/etc/sysctl.d/99-docker-forward.conf",
                                   "find what turned it off: grep -r ip_forward /etc/sysctl.conf /etc/sysctl.d; "
                                   "dockerd --ip-forward=false"));
}

// "dockerd runs with --ip-forward=false, and forwarding is off."
TEST(KernelIpForwardDisabled, NamesDockerdsOptionThatLeftItOff) {
    auto r = checks::kernel_ip_forward_disabled().run(
        FactsBuilder().sysctl("net.ipv4.ip_forward", "0").daemon_option("ip-forward", false).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.id, "kernel.ip-forward-disabled");
    EXPECT_THAT(f.evidence, Contains("dockerd runs with --ip-forward=false: it did not turn forwarding on"));
}

// "curl localhost:8080 on the host works, colleagues cannot connect": only remote clients are cut off.
TEST(KernelIpForwardDisabled, WarnsWhenTheClientIsOnThisHost) {
    auto r = checks::kernel_ip_forward_disabled().run(
        FactsBuilder().sysctl("net.ipv4.ip_forward", "0").from("127.0.0.1").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "kernel.ip-forward-disabled", tcp(80), Severity::warning,
                            "IP forwarding is off on the host: published ports of web cannot be reached from other hosts"));
    EXPECT_THAT(f.evidence, Contains("the client (127.0.0.1) is on this host: its packets are not forwarded"));
}

// "ip_forward = 1": the healthy default.
TEST(KernelIpForwardDisabled, QuietWhenForwardingIsOn) {
    EXPECT_TRUE(quiet(checks::kernel_ip_forward_disabled().run(FactsBuilder().build())));
}

// "ip_forward = 0, but the network service turned forwarding on again for eth0, where clients arrive."
TEST(KernelIpForwardDisabled, QuietWhenTheIncomingInterfaceForwards) {
    auto f = FactsBuilder().sysctl("net.ipv4.ip_forward", "0").sysctl("net.ipv4.conf.eth0.forwarding", "1").build();
    EXPECT_TRUE(quiet(checks::kernel_ip_forward_disabled().run(f)));
}

// "ip_forward = 0, but web publishes nothing."
TEST(KernelIpForwardDisabled, QuietWithoutPublishedPorts) {
    auto f = FactsBuilder().sysctl("net.ipv4.ip_forward", "0").no_binding(80).build();
    EXPECT_TRUE(quiet(checks::kernel_ip_forward_disabled().run(f)));
}

// "Rootless Docker on a host with ip_forward = 0": rootlesskit forwards the ports itself.
TEST(KernelIpForwardDisabled, QuietForARootlessEngine) {
    auto f = FactsBuilder().sysctl("net.ipv4.ip_forward", "0").rootless().build();
    EXPECT_TRUE(quiet(checks::kernel_ip_forward_disabled().run(f)));
}

// "The sysctls could not be read."
TEST(KernelIpForwardDisabled, UndecidedWithoutTheSysctls) {
    auto r = checks::kernel_ip_forward_disabled().run(FactsBuilder().unavailable(Fact::sysctls).build());
    EXPECT_TRUE(undecided_only(r, {"needs host.sysctls (procfs: permission denied)"}));
}

}  // namespace
}  // namespace dnd
