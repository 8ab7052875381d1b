// Causes in the catalog that this version does not check yet: `list-causes` shows them as
// planned and `explain` says so. Their evidence rules are ready for the check that comes.
#include "docknetdoctor/checks/all_checks.hpp"
#include "evidence_rules.hpp"

namespace dnd::checks {

namespace {

constexpr CauseInfo kNetworkMtuMismatch{
    .id = "network.mtu-mismatch",
    .severity = Severity::warning,
    .summary = "bridge/veth MTU above the egress MTU (VPN/overlay): handshakes work, big transfers hang",
    .evidence = "link MTUs (rtnetlink), network option com.docker.network.driver.mtu",
    .fix = "set the daemon/network mtu",
    .rationale = "Docker gives bridges and veths an MTU of 1500 unless told otherwise. When the path "
        "leaves through a link with a smaller MTU (a VPN, an overlay, some clouds) and ICMP "
        "\"fragmentation needed\" is lost, small packets pass but full-size ones are dropped: "
        "connections open, then large responses stall. Setting the network's MTU to the egress "
        "MTU avoids oversize packets in the first place.",
};

}  // namespace

const Check& network_mtu_mismatch() {
    static const Check check{
        .cause = kNetworkMtuMismatch,
        .evidence = {
            .open_note = "small probes pass whatever the MTU; only large transfers show it",
        },
    };
    return check;
}

}  // namespace dnd::checks
