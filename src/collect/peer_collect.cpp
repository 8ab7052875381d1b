// --to TARGET:PORT: which container the target is (name, id, alias, compose service or one
// of its addresses), how the source resolves the name (its resolv.conf and hosts file, and
// a real query to its own nameserver from inside its netns), and one TCP probe from the
// source's netns to the address the source would use.
#include "docknetdoctor/collect/peer_collect.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "docknetdoctor/probe/dns_query.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/peer.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/collect/procfs.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr const char* kProcRoot = "/proc";

Result<std::string> read_container_file(const std::string& path) {
    auto text = read_text_file(path);
    if (!text) return fail("procfs", fmt::format("cannot read {}: {}", path, std::strerror(text.error())));
    return std::move(*text);
}

std::vector<Container> inspect_all(const DockerClient& client, const std::vector<ContainerSummary>& containers) {
    std::vector<Container> out;
    for (const auto& summary : containers) {
        auto c = client.get_parsed<Container>("/containers/" + summary.id + "/json", parse_container_inspect);
        if (c) out.push_back(std::move(*c));  // one that vanished meanwhile is simply not a candidate
    }
    return out;
}

bool shares_network(const Container& a, const Container& b) { return !shared_network_names(a, b).empty(); }

// The first candidate sharing a network with the source, else the first one.
const Container* prefer_reachable(const std::vector<const Container*>& candidates, const Container& source) {
    for (const auto* c : candidates)
        if (shares_network(*c, source)) return c;
    return candidates.empty() ? nullptr : candidates.front();
}

struct TargetMatch {
    const Container* container = nullptr;
    std::string how;
};

TargetMatch match_by_address(const std::vector<Container>& all, const std::string& address) {
    for (const auto& c : all)
        for (const auto& n : c.networks)
            if (n.ip_address == address || n.global_ipv6 == address)
                return {&c, fmt::format("address on network {}", n.network)};
    return {};
}

// Name, then alias (on any network), then compose service, then id or id prefix: a name
// the user wrote wins over an id prefix that happens to look like it ("db" is hex).
Result<TargetMatch> match_by_name(const std::vector<Container>& all, const std::vector<ContainerSummary>& summaries,
                                  const Container& source, const std::string& host) {
    for (const auto& c : all)
        if (c.name == host) return TargetMatch{&c, "container name"};
    std::vector<const Container*> by_alias;
    std::string alias_network;
    for (const auto& c : all)
        for (const auto& n : c.networks)
            if (std::find(n.aliases.begin(), n.aliases.end(), host) != n.aliases.end()) {
                by_alias.push_back(&c);
                if (alias_network.empty() || shares_network(c, source)) alias_network = n.network;
            }
    if (const auto* c = prefer_reachable(by_alias, source))
        return TargetMatch{c, fmt::format("network alias on {}", alias_network)};
    std::vector<const Container*> by_service;
    for (const auto& c : all)
        if (auto it = c.labels.find(kComposeServiceLabel); it != c.labels.end() && it->second == host) by_service.push_back(&c);
    if (const auto* c = prefer_reachable(by_service, source)) return TargetMatch{c, "compose service name"};
    auto id = resolve_container(summaries, host);
    if (!id) return std::unexpected(Error{"docker-api", id.error().message});
    for (const auto& c : all)
        if (c.id == *id) return TargetMatch{&c, "container id"};
    return fail("docker-api", fmt::format("no such container: {}", host));
}

// The source's address on a network it shares with the target (what a working name would give).
std::string target_address_on_shared_network(const Container& source, const Container& target) {
    for (const auto& t : target.networks)
        for (const auto& s : source.networks)
            if ((t.network_id.empty() ? t.network == s.network : t.network_id == s.network_id) && !t.ip_address.empty())
                return t.ip_address;
    return {};
}

// A then AAAA when the name has no A record; the first nameserver only (glibc tries the
// next one only on a timeout, and Docker gives containers one).
Result<DnsAnswer> ask_resolver(const std::string& netns, const std::vector<std::string>& nameservers,
                               const std::string& name, std::chrono::milliseconds deadline) {
    if (nameservers.empty()) return fail("dns", "no nameserver in the source's /etc/resolv.conf");
    DnsAnswer answer;
    answer.name = name;
    answer.server = nameservers.front();
    auto a = query_dns_in_netns(netns, answer.server, name, kDnsTypeA, deadline);
    if (!a) return std::unexpected(a.error());
    answer.rcode = a->rcode;
    answer.addresses = a->addresses;
    if (answer.rcode == 0 && answer.addresses.empty()) {
        auto aaaa = query_dns_in_netns(netns, answer.server, name, kDnsTypeAAAA, deadline);
        if (aaaa && aaaa->rcode == 0) answer.addresses = aaaa->addresses;
    }
    return answer;
}

void find_target(PeerFacts& peer, const DockerClient& client, const std::vector<ContainerSummary>& summaries,
                 const Container& source, SocketOwnerScan& owner_scan) {
    const std::string& host = peer.query.host;
    if (peer.kind == PeerHostKind::loopback) {
        peer.target = fail("peer", fmt::format("{} inside a container is that container itself", host));
        return;
    }
    if (peer.kind == PeerHostKind::host_gateway) {
        peer.target = fail("peer", fmt::format("{} names the Docker host, not a container", host));
        return;
    }
    const auto all = inspect_all(client, summaries);
    Result<TargetMatch> match = peer.kind == PeerHostKind::address ? Result<TargetMatch>(match_by_address(all, host))
                                                                   : match_by_name(all, summaries, source, host);
    if (match && !match->container)
        match = fail("docker-api", fmt::format("no container has the address {}", host));
    if (!match) {
        peer.target = std::unexpected(match.error());
        peer.target_networks = fail("docker-api", "no target container");
        peer.target_listeners = fail("procfs", "no target container");
        return;
    }
    const Container& target = *match->container;
    peer.match = match->how;
    peer.target = target;
    peer.target_networks = inspect_attached_networks(client, target);
    if (has_live_process(target) && target.state.pid > 0)
        peer.target_listeners = read_listeners(kProcRoot, target.state.pid, owner_scan, TcpListenerSource::sock_diag);
    else peer.target_listeners = fail("procfs", "the target container is not running");
}

void read_resolver_files(PeerFacts& peer, const Container& source) {
    if (!has_live_process(source) || source.state.pid <= 0) {
        peer.nameservers = fail("procfs", "the source container is not running");
        peer.hosts = fail("procfs", "the source container is not running");
        return;
    }
    const std::string etc = fmt::format("{}/{}/root/etc/", kProcRoot, source.state.pid);
    auto resolv = read_container_file(etc + "resolv.conf");
    if (resolv) peer.nameservers = parse_resolv_conf_nameservers(*resolv);
    else peer.nameservers = std::unexpected(resolv.error());
    auto hosts = read_container_file(etc + "hosts");
    if (hosts) peer.hosts = parse_hosts_file(*hosts);
    else peer.hosts = std::unexpected(hosts.error());
}

// Resolve as the source would (hosts file, then DNS), then probe that address.
void resolve_and_probe(PeerFacts& peer, const Container& source, std::chrono::milliseconds deadline,
                       PeerProbing probing) {
    const std::string& host = peer.query.host;
    const bool source_live = has_live_process(source) && source.state.pid > 0;
    const std::string netns = fmt::format("{}/{}/ns/net", kProcRoot, source.state.pid);
    std::string address;
    if (peer.kind == PeerHostKind::address || (peer.kind == PeerHostKind::loopback && host != "localhost")) {
        address = host;
        peer.probe_address_from = "literal address";
        peer.dns = fail("dns", "not asked: the target is an address");
    } else if (std::string in_hosts = peer.hosts ? hosts_lookup(*peer.hosts, host) : std::string(); !in_hosts.empty()) {
        address = in_hosts;
        peer.probe_address_from = "hosts file";
        peer.dns = fail("dns", fmt::format("not asked: the source's /etc/hosts maps {} to {}", host, in_hosts));
    } else if (!source_live) {
        peer.dns = fail("dns", "not asked: the source container is not running");
    } else if (!peer.nameservers) {
        peer.dns = fail("dns", "not asked: " + peer.nameservers.error().message);
    } else {
        peer.dns = ask_resolver(netns, *peer.nameservers, host, deadline);
        if (peer.dns && !peer.dns->addresses.empty()) {
            address = peer.dns->addresses.front();
            peer.probe_address_from = "dns";
        }
    }
    // The name did not resolve: probe the target's address anyway, to tell a naming
    // problem from a path problem.
    if (address.empty() && peer.target) {
        address = target_address_on_shared_network(source, *peer.target);
        if (!address.empty()) peer.probe_address_from = "target container address (the name did not resolve)";
    }
    // No shared network: try where the target lives, to show that the path is closed too.
    if (address.empty() && peer.target) {
        for (const auto& n : peer.target->networks)
            if (!n.ip_address.empty()) {
                address = n.ip_address;
                peer.probe_address_from = fmt::format("target container address on {} (not a network of the source)", n.network);
                break;
            }
    }
    if (probing == PeerProbing::skip) {
        peer.probe = fail("probe", "not run (--no-probe)");
        return;
    }
    if (!source_live) {
        peer.probe = fail("probe", "not run: the source container is not running");
        return;
    }
    if (address.empty()) {
        peer.probe = fail("probe", fmt::format("not run: no address for {} inside the source", host));
        return;
    }
    const std::array<ProbeTarget, 1> targets{ProbeTarget{address, peer.query.port, Proto::tcp,
                                                         fmt::format("inside {}", source.name)}};
    auto outcomes = probe_batch_in_netns(netns, targets, deadline);
    if (!outcomes) peer.probe = std::unexpected(outcomes.error());
    else if (outcomes->empty()) peer.probe = fail("probe", "no outcome");
    else peer.probe = outcomes->front();
}

}  // namespace

Result<void> collect_peer_facts(Facts& facts, const DockerClient& client, const std::vector<ContainerSummary>& containers,
                                SocketOwnerScan& owner_scan, std::chrono::milliseconds probe_deadline, PeerProbing probing) {
    if (!facts.query.to) return {};
    auto query = parse_peer_spec(*facts.query.to);
    if (!query) return std::unexpected(query.error());
    PeerFacts peer;
    peer.query = std::move(*query);
    peer.kind = classify_peer_host(peer.query.host);
    if (!facts.container) {
        peer.target = fail("docker-api", "the source container is unavailable");
        facts.peer = std::move(peer);
        return {};
    }
    const Container& source = *facts.container;
    find_target(peer, client, containers, source, owner_scan);
    read_resolver_files(peer, source);
    resolve_and_probe(peer, source, probe_deadline, probing);
    facts.peer = std::move(peer);
    return {};
}

}  // namespace dnd
