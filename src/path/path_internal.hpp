#pragma once
// Pieces of the packet-path evaluator shared between its files (not a public header).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/path/evaluate.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::path {

enum class Tri { yes, no, unknown };

// ---- addresses and routing (routing.cpp) ----
// Presentation form -> network-order bytes (4 or 16); family 0 = either.
std::optional<nf::Bytes> parse_ip(std::string_view text, int family = 0);
bool in_prefix(const nf::Bytes& address, const nf::Bytes& network, int prefix_len);
// "172.17.0.0/16" / "default" -> network and prefix length.
std::optional<std::pair<nf::Bytes, int>> parse_cidr(std::string_view text, int family);

struct RouteDecision {
    enum class Kind { local, forward, drop } kind = Kind::drop;
    std::string oif;
    std::string note;     // "local table: 172.17.0.1 is local", "no route to ..."
};
RouteDecision route_lookup(const HostNetwork& host, int family, const nf::Bytes& daddr);
// A packet whose way cannot be judged at the routing step (the interface it would arrive on
// is unknown, there is no address to send it to): unknown, decided by DECIDED_BY ("unknown:
// ..."), with one routing step RULE whose note says why.
PathResult unknown_at_routing(const Packet& p, std::string rule, std::string decided_by, std::string why);
// RTN_* type of an address as `fib daddr type` sees it: 2 local, 3 broadcast, 5 multicast,
// 1 unicast; nullopt when the routes are unavailable.
std::optional<std::uint32_t> address_type(const HostNetwork& host, int family, const nf::Bytes& address);
std::optional<int> ifindex_of(const HostNetwork& host, std::string_view name);

// ---- the packet as the evaluator sees it ----
struct PacketState {
    int family = 4;
    std::string iif, oif;      // "" = none (locally generated / not routed yet)
    nf::Bytes saddr, daddr;
    std::uint8_t l4proto = 6;
    std::uint16_t sport = 0, dport = 0;
    bool dnat_done = false;    // conntrack status dnat
    bool snat_done = false;    // source NAT or masquerade in postrouting
    bool mark_unknown = false; // a rule set the mark to something we do not follow
    nf::Hook hook = nf::Hook::prerouting;
};

// ---- one rule (expr_eval.cpp) ----
struct NatAction {
    enum class Kind { dnat, snat, masquerade, redirect } kind = Kind::dnat;
    std::optional<nf::Bytes> address;
    std::optional<std::uint16_t> port;
};

struct RuleEffect {
    Tri match = Tri::yes;
    std::string unknown_reason;        // why match is unknown
    std::optional<nf::Verdict> verdict;
    bool reject = false;
    std::optional<NatAction> nat;
    bool sets_mark = false;        // meta/ct mark set, MARK target: later mark matches unknown
    bool opaque_target = false;    // a target whose effect is not evaluated (could decide)
};

struct EvalContext {
    const HostNetwork& host;
    const SetLookup& lookup;
};

// xt extensions and the legacy ip header (xt_eval.cpp).
// Whether port is among the multiport match's ports or ranges (the flags not consulted).
bool multiport_has(const nf::XtMultiport& m, std::uint16_t port);
Tri eval_legacy_ip(const EvalContext& ctx, const nf::LegacyIp& ip, const PacketState& packet);
Tri eval_xt_match(const EvalContext& ctx, const nf::Xt& xt, const PacketState& packet, std::string& why);
void eval_xt_target(const nf::Xt& xt, const PacketState& packet, RuleEffect& effect);

RuleEffect eval_rule(const EvalContext& ctx, const nf::Table& table, const nf::Rule& rule,
                     const PacketState& packet);
// Same, for the sets: does set (of table) hold key? map data / verdict when it does.
struct SetAnswer {
    Tri found = Tri::unknown;
    const nf::SetElement* element = nullptr;  // loaded sets: the element that matched
    std::string reason;
};
SetAnswer find_in_set(const EvalContext& ctx, const nf::Table& table, const nf::Set& set,
                      const nf::Bytes& key);

// ---- one base chain (chain_walk.cpp) ----
struct ChainOutcome {
    enum class Kind { accept, drop, reject, unknown } kind = Kind::accept;
    bool nat_applied = false;
    bool by_policy = false;     // fell off the base chain
    std::string decided_by;     // rule or policy text
    std::string unknown_reason; // an unknown rule could have changed the outcome
};
ChainOutcome walk_base_chain(const EvalContext& ctx, const nf::Table& table, const nf::Chain& chain,
                             std::string_view hook_name, PacketState& packet, std::vector<PathStep>& steps);

std::string where_of(const nf::Table& table, const nf::Chain& chain);

// ---- hook order (hook_order.cpp) ----
struct HookChain {
    const nf::Table* table;
    const nf::Chain* chain;
};
// Every base chain at hook that sees a packet of family (4/6): ip/ip6/inet tables of
// nftables (dormant tables skipped) and iptables-legacy, by priority; at equal priority
// nftables first, then legacy, each in dump order (the kernel's order there is
// registration order, which the dump does not show).
std::vector<HookChain> chains_at(const HostNetwork& host, nf::Hook hook, int family);

// ---- the whole path (path_eval.cpp) ----
// skip: every nat-type base chain (nftables and legacy) is passed over, so no DNAT happens.
enum class NatChains { run, skip };
PathResult evaluate(const HostNetwork& host, const Packet& packet, const SetLookup& lookup, NatChains nat);

}  // namespace dnd::path
