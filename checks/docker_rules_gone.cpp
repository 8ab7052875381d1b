// Docker's chains and each published IPv4 binding's DNAT, judged against what an engine with
// iptables on keeps (IPv6 bindings are left out: engines before 28 serve them with
// docker-proxy, without ip6tables rules).
#include "docker_rules_gone.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "rootless_engine.hpp"

namespace dnd::checks {
namespace {

std::string iptables_on_evidence(const DaemonConfig& d) {
    std::string where = d.iptables ? "iptables = true" : "no --iptables=false on its command line";
    if (!d.iptables && !d.config_file.empty()) where += fmt::format(" nor in {}", d.config_file);
    return fmt::format("dockerd (pid {}) runs with iptables on ({}): it keeps its own chains and a DNAT rule per "
                       "published port",
                       d.pid, where);
}

}  // namespace

bool is_ipv4_binding(const HostBinding& b) { return b.host_ip.find(':') == std::string::npos; }

std::optional<DockerRulesGone> docker_rules_gone(const Facts& f, std::vector<std::string>& undecided) {
    if (!f.container || !has_live_process(*f.container) || !has_published_host_port(f)) return std::nullopt;
    // rootlesskit forwards the ports itself; with iptables=false there are no rules to lose.
    if (engine_is_rootless(f)) return std::nullopt;
    if (f.host.daemon && !f.host.daemon->iptables.value_or(true)) return std::nullopt;
    const auto& nft = f.host.nftables;
    const auto& legacy = f.host.iptables_legacy;
    if (!nft || !legacy) {
        undecided.push_back(!nft ? unavailable_reason("host.nftables", nft.error())
                                 : unavailable_reason("host.iptables_legacy", legacy.error()));
        return std::nullopt;
    }

    DockerRulesGone gone;
    const std::string version = f.engine ? f.engine->server_version : "";
    gone.missing_chains = missing_docker_chains(*nft, *legacy, version);
    if (f.host.daemon) {
        gone.iptables_on = iptables_on_evidence(*f.host.daemon);
    } else {
        if (!has_docker_nat_chains(*nft) && !has_docker_nat_chains(*legacy)) return std::nullopt;
        gone.iptables_on = fmt::format("dockerd's configuration unread ({}); some of Docker's chains are there, so it "
                                       "runs with iptables on",
                                       f.host.daemon.error().message);
    }
    for (PortKey p : ports_in_question(f)) {
        for (const HostBinding& b : bindings_of(*f.container, p)) {
            if (b.host_port == 0 || !is_ipv4_binding(b)) continue;
            // A rule whose port condition could not be read may be this binding's: not gone.
            if (!dnat_rules_for(*nft, p.proto, b.host_port).empty()) continue;
            if (!dnat_rules_for(*legacy, p.proto, b.host_port).empty()) continue;
            gone.without_dnat.push_back({p, b});
        }
    }
    if (gone.missing_chains.empty() && gone.without_dnat.empty()) return std::nullopt;
    return gone;
}

bool lacks_dnat(const DockerRulesGone& gone, PortKey p, const HostBinding& b) {
    return std::ranges::any_of(gone.without_dnat, [&](const BindingWithoutDnat& w) {
        return w.port == p && w.binding.host_ip == b.host_ip && w.binding.host_port == b.host_port;
    });
}

}  // namespace dnd::checks
