#pragma once
// Questions the netfilter checks ask of the ruleset model and of evaluated packet paths:
// one home, so no check copies another's rule reading. Pure (no I/O); lives in dnd_path.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/packet_path.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd {

// A DNAT rule (nft `dnat`, iptables DNAT target) that a packet to a host port may hit.
struct DnatRuleRef {
    std::string rule;          // format_rule(): "ip nat DOCKER handle 7: ... dnat to 172.17.0.2:80"
    // false: the rule's destination-port condition could not be read (a set whose elements
    // were not dumped, a bitwise match ...): it may or may not be for this port.
    bool port_known = true;
};

// DNAT rules in any table of `ruleset` whose protocol and destination-port conditions admit
// proto/host_port. Other conditions (interfaces, addresses) are not judged: the rule exists
// for that port. Rules whose port condition is unreadable come back with port_known false.
std::vector<DnatRuleRef> dnat_rules_for(const nf::Ruleset& ruleset, Proto proto, std::uint16_t host_port);

// A rule that sets the packet mark of packets to a port.
struct MarkRuleRef {
    std::string rule;                   // format_rule()
    std::optional<std::uint32_t> mark;  // nullopt: the value it sets could not be read
    bool port_known = true;             // as DnatRuleRef's
};

// Rules of the base chains hooked at prerouting (iptables' mangle PREROUTING) whose protocol
// and destination-port conditions admit proto/port and that set the packet mark, in the
// order the ruleset holds them: a mark does not end the chain, so among rules of one chain
// the last one decides.
std::vector<MarkRuleRef> prerouting_mark_rules_for(const nf::Ruleset& ruleset, Proto proto, std::uint16_t port);

// Whether Docker's nat rules exist at all: a DOCKER chain in a nat table (iptables-nft or
// legacy) or Docker 29's `docker-bridges` tables.
bool has_docker_nat_chains(const nf::Ruleset& ruleset);

// The chains an engine of ENGINE_VERSION ("20.10.24", "28.5.2"; "" = unknown) keeps while
// iptables is on, in iptables-nft or iptables-legacy, that neither ruleset holds: "ip nat
// DOCKER", "ip filter DOCKER-USER" ... (Docker 28 adds DOCKER-FORWARD, DOCKER-CT and
// DOCKER-BRIDGE). None when Docker 29's nftables backend table `docker-bridges` is there.
std::vector<std::string> missing_docker_chains(const nf::Ruleset& nftables, const nf::Ruleset& legacy,
                                               std::string_view engine_version);

// Whether the ruleset decides anything: a chain with a rule, or a base chain whose policy
// is not accept. An empty legacy table that a module load created decides nothing.
bool holds_rules(const nf::Ruleset& ruleset);

// The packet as evidence: "tcp 203.0.113.7:40000 -> 192.0.2.10:8080 in eth0".
std::string describe_packet(const Packet& packet);

// Dropped or rejected.
bool is_denied(const PathResult& path);

// The step that decided a denied path (the first drop/reject, or the policy that dropped);
// nullptr when the steps do not say.
const PathStep* deciding_step(const PathResult& path);

// Who made the prerouting drop that decided a denied path, told by what the rule matches.
enum class PreroutingDropOrigin {
    // Docker 28+ protecting a container address from routed access: raw PREROUTING
    // `ip daddr CONTAINER iifname != "BRIDGE" drop` (Docker 29 nftables: "DROP DIRECT ACCESS").
    docker_direct_access,
    // Docker 28+ protecting a port published on 127.0.0.1: raw PREROUTING `ip daddr
    // 127.0.0.1 iifname != "lo" tcp dport PORT drop`.
    docker_loopback_published,
    // Anything else: the host's own rule, a blocklist, fail2ban, CrowdSec.
    host_rule,
};
// nullopt: not denied in the prerouting hook.
std::optional<PreroutingDropOrigin> prerouting_drop_origin(const Facts& facts, const PathResult& path);

// Where a step was decided, found in the host's rulesets: the table and chain its
// PathStep::where names, and the rule its handle names (nullptr when the chain's policy
// decided). nullopt when the step is not a netfilter step (routing) or the ruleset it names
// was not read or no longer holds it.
struct StepSite {
    const nf::Table* table = nullptr;
    const nf::Chain* chain = nullptr;
    const nf::Rule* rule = nullptr;
};
std::optional<StepSite> site_of(const HostNetwork& host, const PathStep& step);

// The container port a path is about: sent to the container's own address (--direct) or in
// host network mode, its destination port; otherwise the host port it was sent to, matched
// against the container's bindings (or, after DNAT to the container, the port it was
// rewritten to).
std::optional<PortKey> container_port_of(const Container& container, const PathResult& path);

// Whether the container has at least one binding with a host port among the ports in question
// (never under --direct, whose client does not use one).
bool has_published_host_port(const Facts& facts);

// Whether the question's packets are forwarded to the container: to a published host port,
// or under --direct to the container's own address.
bool asks_forwarded_path(const Facts& facts);

}  // namespace dnd
