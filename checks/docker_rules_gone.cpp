// Docker's chains and each published IPv4 binding's DNAT, judged against what an engine with
// iptables on keeps (IPv6 bindings are left out: engines before 28 serve them with
// docker-proxy, without ip6tables rules).
#include "docker_rules_gone.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"
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

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string nftables_tables_now(const nf::Ruleset& rs) {
    std::vector<std::string> names;
    for (const nf::Table& t : rs.tables) names.push_back(fmt::format("{} {}", to_string(t.family), t.name));
    return names.empty() ? "nftables now holds no table at all"
                         : "nftables now holds only: table " + joined(names);
}

// The evaluated packets to HOST_PORT all reach the container, or a local socket that
// listens there (docker-proxy).
bool client_still_served(const Facts& f, Proto proto, std::uint16_t host_port) {
    if (!f.paths || !f.host_listeners) return false;
    const bool host_listens = !reachable_listeners(*f.host_listeners, PortKey{host_port, proto}).empty();
    bool any = false;
    for (const PathResult& path : *f.paths) {
        if (path.packet.proto != proto || path.packet.dport != host_port) continue;
        const bool served = path.verdict == PathVerdict::forwarded ||
                            (path.verdict == PathVerdict::delivered_local && host_listens);
        if (!served) return false;
        any = true;
    }
    return any;
}

}  // namespace

bool is_ipv4_binding(const HostBinding& b) { return b.host_ip.find(':') == std::string::npos; }

std::optional<DockerRulesGone> docker_rules_gone(const Facts& f, std::vector<std::string>& undecided) {
    if (!f.container || !has_live_process(*f.container) || !has_published_host_port(f)) return std::nullopt;
    // rootlesskit forwards the ports itself; with iptables=false there are no rules to lose.
    if (engine_is_rootless(f)) return std::nullopt;
    if (f.host->daemon && !f.host->daemon->iptables.value_or(true)) return std::nullopt;
    const auto& nft = f.host->nftables;
    const auto& legacy = f.host->iptables_legacy;
    if (!nft || !legacy) {
        undecided.push_back(!nft ? unavailable_reason("host.nftables", nft.error())
                                 : unavailable_reason("host.iptables_legacy", legacy.error()));
        return std::nullopt;
    }

    DockerRulesGone gone;
    const std::string version = f.engine ? f.engine->server_version : "";
    gone.missing_chains = missing_docker_chains(*nft, *legacy, version);
    if (f.host->daemon) {
        gone.iptables_on = iptables_on_evidence(*f.host->daemon);
    } else {
        if (!has_docker_nat_chains(*nft) && !has_docker_nat_chains(*legacy)) return std::nullopt;
        gone.iptables_on = fmt::format("dockerd's configuration unread ({}); some of Docker's chains are there, so it "
                                       "runs with iptables on",
                                       f.host->daemon.error().message);
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

std::vector<BindingWithoutDnat> unserved_bindings(const Facts& f, const DockerRulesGone& gone) {
    std::vector<BindingWithoutDnat> out;
    for (PortKey p : ports_in_question(f)) {
        for (const HostBinding& b : bindings_of(*f.container, p)) {
            if (b.host_port == 0) continue;
            if (!lacks_dnat(gone, p, b) && (gone.missing_chains.empty() || !is_ipv4_binding(b))) continue;
            out.push_back({p, b});
            break;
        }
    }
    return out;
}


void lower_while_still_served(const Facts& f, PortKey p, const HostBinding& b, Finding& finding) {
    if (!client_still_served(f, p.proto, b.host_port)) return;
    finding.severity = Severity::warning;
    finding.title += " (docker-proxy still answers this client)";
}

void add_rules_gone_evidence(const Facts& f, const DockerRulesGone& gone, PortKey p, const HostBinding& b,
                             Finding& finding) {
    finding.evidence.push_back(gone.iptables_on);
    finding.evidence.push_back(bindings_evidence(*f.container, p));
    if (!gone.missing_chains.empty())
        finding.evidence.push_back("in neither iptables-nft nor iptables-legacy: " + joined(gone.missing_chains));
    if (lacks_dnat(gone, p, b))
        finding.evidence.push_back(fmt::format("no rule with {} dport {} and a dnat/DNAT action in nftables or "
                                               "iptables-legacy",
                                               to_string(p.proto), b.host_port));
    finding.evidence.push_back(nftables_tables_now(*f.host->nftables));
    if (f.host_listeners) {
        const auto on_port = listeners_on(*f.host_listeners, PortKey{b.host_port, p.proto});
        for (const Listener& l : on_port)
            finding.evidence.push_back("still listening on the host: " + describe(l) +
                                       " (reached through the input hook, not in place of the DNAT)");
        if (on_port.empty())
            finding.evidence.push_back(fmt::format("nothing listens on {} port {} on the host", to_string(p.proto),
                                                   b.host_port));
    }
}

std::string restart_engine_fix() {
    return fix_running("restart the engine: it writes its chains and every running container's DNAT again",
                       "systemctl restart docker");
}

}  // namespace dnd::checks
