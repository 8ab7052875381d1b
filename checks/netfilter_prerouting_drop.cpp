// netfilter.prerouting-drop: the packet dies before routing (raw/mangle/filter prerouting:
// direct-routing blocks, fail2ban, blocklists).
#include <string_view>

#include "checks.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {
namespace {

// Docker's own direct-routing block: Docker 28 iptables (raw PREROUTING, daddr = container)
// or Docker 29 nftables ("DROP DIRECT ACCESS").
bool is_docker_direct_access_drop(std::string_view rule) {
    return rule.find("DROP DIRECT ACCESS") != std::string_view::npos ||
           (rule.find("raw PREROUTING") != std::string_view::npos && rule.find("ip daddr") != std::string_view::npos);
}

std::vector<std::string> prerouting_fix(const Facts& f, const PathResult& denied) {
    if (is_docker_direct_access_drop(denied.decided_by))
        return {
            "Docker drops packets to container addresses that arrive from outside the bridge: connect to the "
            "published host port instead",
            "or give the network gateway mode \"routed\" (com.docker.network.bridge.gateway_mode_ipv4) if direct "
            "routing is wanted",
        };
    std::vector<std::string> fix = fixes_where_denied(f, denied);
    fix.push_back("if a blocklist tool (fail2ban, crowdsec) added that rule, unban the client there");
    return fix;
}

}  // namespace

CheckResult netfilter_prerouting_drop(const Facts& f) {
    return path_drop_findings(f, {"netfilter.prerouting-drop", "prerouting", prerouting_fix});
}

}  // namespace dnd::checks
