// kernel.interface-forwarding-off: net.ipv4.ip_forward is on, but forwarding is off on the
// interface the client's packets arrive on, whose switch is the one the kernel reads.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "ip_forward is 1, yet nothing from outside reaches -p 8080:80; networkd manages eth0."
TEST(KernelInterfaceForwardingOff, FiresForTheInterfaceClientsArriveOn) {
    auto r = checks::kernel_interface_forwarding_off().run(FactsBuilder().sysctl("net.ipv4.conf.eth0.forwarding", "0").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "kernel.interface-forwarding-off", tcp(80), Severity::critical,
                            "forwarding is off on eth0, where the client's packets arrive: web port 80/tcp cannot be "
                            "reached through it"));
    EXPECT_THAT(f.evidence, ElementsAre("net.ipv4.conf.eth0.forwarding = 0 (/proc/sys/net/ipv4/conf/eth0/forwarding)",
                                        "net.ipv4.ip_forward = 1: on globally, but the kernel reads the switch of the "
                                        "interface a packet arrives on",
                                        "packet: tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0 (dropped at routing)",
                                        "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080"));
    EXPECT_THAT(f.fix, ElementsAre("turn forwarding on for eth0; run: sysctl -w net.ipv4.conf.eth0.forwarding=1",
                                   "persist it: with systemd-networkd, IPv4Forwarding=yes (IPForward=yes before systemd "
                                   "256) in the [Network] section of the .network file that manages eth0; otherwise echo "
                                   "'net.ipv4.conf.eth0.forwarding = 1' > /etc/sysctl.d/99-docker-forward.conf",
                                   "find what turned it off: networkctl status eth0; grep -rs forwarding "
                                   "/etc/systemd/network /etc/sysctl.conf /etc/sysctl.d"));
}

// "Neither 8080 nor 8443 answers from outside": one finding per published port.
TEST(KernelInterfaceForwardingOff, FiresOncePerPublishedPort) {
    auto r = checks::kernel_interface_forwarding_off().run(
        FactsBuilder().publish(443, 8443).exposed(443).sysctl("net.ipv4.conf.eth0.forwarding", "0").build());
    ASSERT_EQ(r.findings.size(), 2u) << describe(r);
    EXPECT_EQ(r.findings[0].port, tcp(80));
    EXPECT_EQ(r.findings[1].port, tcp(443));
    EXPECT_EQ(r.findings[1].title, "forwarding is off on eth0, where the client's packets arrive: web port 443/tcp "
                                   "cannot be reached through it");
}

// "ip_forward = 1 everywhere": the healthy default.
TEST(KernelInterfaceForwardingOff, QuietWhenEveryInterfaceForwards) {
    EXPECT_TRUE(quiet(checks::kernel_interface_forwarding_off().run(FactsBuilder().build())));
}

// "forwarding is 0 on docker0 only": the kernel reads eth0's switch, where the packets arrive.
TEST(KernelInterfaceForwardingOff, QuietWhenOnlyTheOutgoingInterfaceIsOff) {
    auto f = FactsBuilder().sysctl("net.ipv4.conf.docker0.forwarding", "0").build();
    EXPECT_TRUE(quiet(checks::kernel_interface_forwarding_off().run(f)));
}

// "ip_forward = 0 on the whole host": kernel.ip-forward-disabled names that.
TEST(KernelInterfaceForwardingOff, QuietWhenForwardingIsOffGlobally) {
    auto f = FactsBuilder().sysctl("net.ipv4.ip_forward", "0").build();
    EXPECT_TRUE(quiet(checks::kernel_interface_forwarding_off().run(f)));
}

// "Rootless Docker": rootlesskit forwards the ports itself.
TEST(KernelInterfaceForwardingOff, QuietForARootlessEngine) {
    auto f = FactsBuilder().rootless().sysctl("net.ipv4.conf.eth0.forwarding", "0").build();
    EXPECT_TRUE(quiet(checks::kernel_interface_forwarding_off().run(f)));
}

// "nft list ruleset is denied to me (no root)": the packet's path is not decided.
TEST(KernelInterfaceForwardingOff, UndecidedWithoutTheRuleset) {
    auto r = checks::kernel_interface_forwarding_off().run(FactsBuilder().unavailable(Fact::nftables).build());
    EXPECT_TRUE(undecided_only(r, {"needs a decided path for tcp 203.0.113.77:40000 -> 192.0.2.10:8080 in eth0: "
                                   "unknown: the nftables ruleset could not be read (permission denied) (otherwise "
                                   "delivered-local by no rule or policy refused it)"}));
}

}  // namespace
}  // namespace dnd
