#pragma once
// The packet-path evaluator: walks one packet through the hooks in priority order across
// every table (nftables and iptables-legacy alike), following jumps, gotos, returns, sets,
// maps, verdict maps and DNAT, and the routing decision in between. Pure: reads
// HostNetwork; a set whose elements were not dumped is asked through SetLookup.
// A match it cannot evaluate makes that step (and the verdict, if it mattered) unknown:
// never a guess.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "docknetdoctor/host_network.hpp"
#include "docknetdoctor/port.hpp"

namespace dnd {

struct Packet {
    int family = 4;
    std::string iif;              // interface it arrives on ("" = locally generated)
    std::string saddr;
    std::string daddr;
    Proto proto = Proto::tcp;
    std::uint16_t sport = 40000;
    std::uint16_t dport = 0;
    // conntrack state is "new" (first packet of a connection).
};

enum class StepResult { matched_accept, matched_drop, matched_reject, dnat, snat, jump, goto_,
                        return_, policy, unknown, route };

struct PathStep {
    std::string hook;             // "prerouting", "routing", "forward", "input", "postrouting"
    std::string where;            // "ip nat PREROUTING" / "iptables-legacy ip filter FORWARD"
    std::optional<std::uint64_t> rule_handle;
    std::string rule;             // nft syntax (format_rule) or "policy drop"
    StepResult result = StepResult::unknown;
    std::string note;             // "daddr rewritten to 172.17.0.2:80", "no route" ...
};

// delivered_local: reaches a local socket (input hook passed); forwarded: routed out of
// out_interface (e.g. to a container after DNAT); sent: locally generated (--from a local
// address) and leaving through out_interface.
enum class PathVerdict { delivered_local, forwarded, sent, dropped, rejected, unknown };

struct PathResult {
    Packet packet;                // as it entered
    Packet final_packet;          // after DNAT
    std::vector<PathStep> steps;  // every decision, in order
    PathVerdict verdict = PathVerdict::unknown;
    std::string decided_by;       // the rule/policy that decided (nft syntax), or why unknown
    std::string decided_hook;     // hook of the deciding step
    std::string out_interface;    // forwarded: the output interface
};

// Looks a key up in a set whose elements were not dumped. nullopt: could not ask.
using SetLookup = std::function<std::optional<bool>(nf::Family, const std::string& table,
                                                    const std::string& set, const nf::Bytes& key)>;

PathResult evaluate_path(const HostNetwork& host, const Packet& packet, const SetLookup& lookup = {});

struct Facts;
// The packets a diagnosis asks about, evaluated: for each container port in question and
// each of its host bindings, with Query::from the client at that address (arriving on the
// interface its route goes through, or locally generated when it is a local address);
// without it, a client on another host (203.0.113.77 / 2001:db8::77, never sent anywhere)
// arriving on each external interface. Errors: what the evaluator needs is unavailable.
Result<std::vector<PathResult>> paths_for(const Facts& facts, const SetLookup& lookup);

// The record of that lookup (key in set of table), or nullptr when it was not recorded.
const SetLookupRecord* find_lookup_record(const std::vector<SetLookupRecord>& records, nf::Family family,
                                          const std::string& table, const std::string& set, const nf::Bytes& key);

// Answers set lookups from host.set_lookups (what the live run asked the kernel), so a
// replay from a facts file evaluates exactly as the live run did. Unrecorded keys: nullopt.
SetLookup recorded_lookups(const HostNetwork& host);

std::string_view to_string(PathVerdict v);
std::string_view to_string(StepResult r);
void to_json(nlohmann::json& j, const PathResult& p);
void from_json(const nlohmann::json& j, PathResult& p);

}  // namespace dnd
