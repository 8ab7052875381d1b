#pragma once
// The packet-path evaluator: walks one packet through the hooks in priority order across
// every table (nftables and iptables-legacy alike), following jumps, gotos, returns, sets,
// maps, verdict maps and DNAT, and the routing decision in between. Pure: reads
// HostNetwork; a set whose elements were not dumped is asked through SetLookup.
// A match it cannot evaluate makes that step (and the verdict, if it mattered) unknown:
// never a guess.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/host_network.hpp"
#include "docknetdoctor/model/packet_path.hpp"

namespace dnd {

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

}  // namespace dnd
