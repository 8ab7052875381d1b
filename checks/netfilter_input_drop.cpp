// netfilter.input-drop: the packet to a local socket (host network, docker-proxy) dies in an
// input hook.
#include <fmt/format.h>

#include "checks.hpp"
#include "path_drop_finding.hpp"

namespace dnd::checks {
namespace {

std::vector<std::string> input_fix(const Facts&, const PathResult& denied) {
    const std::uint16_t host_port = denied.packet.dport;
    const std::string_view proto = to_string(denied.packet.proto);
    return {
        fmt::format("allow the port in the input chain: nft insert rule <family> <table> <input chain> {} dport {} accept "
                    "(or: iptables -I INPUT -p {} --dport {} -j ACCEPT)",
                    proto, host_port, proto, host_port),
        fmt::format("or change the rule that decides: {}", denied.decided_by),
        fmt::format("with ufw: ufw allow {}/{}; with firewalld: firewall-cmd --add-port={}/{}", host_port, proto,
                    host_port, proto),
    };
}

}  // namespace

CheckResult netfilter_input_drop(const Facts& f) {
    return path_drop_findings(f, {"netfilter.input-drop", "input", input_fix});
}

}  // namespace dnd::checks
