// Re-asking a saved host: the query changes, the paths follow it.
#include "docknetdoctor/app/replay.hpp"

#include <vector>

#include "docknetdoctor/collect/host_addresses.hpp"
#include "docknetdoctor/path/evaluate.hpp"

namespace dnd {
namespace {

// The saved host's addresses, not this machine's: the replay may run anywhere.
std::vector<std::string> saved_host_addresses(const HostNetwork& host) {
    std::vector<std::string> out;
    if (!host.addresses) return out;
    for (const Address& a : *host.addresses) out.push_back(a.address);
    return out;
}

}  // namespace

void reask_saved_facts(Facts& facts, const std::optional<PortKey>& port, const std::optional<std::string>& from,
                       bool direct) {
    if (!port && !from && !direct) return;
    if (port) facts.query.port = port;
    if (direct) facts.query.direct = true;
    if (from) {
        facts.query.from = from;
        facts.query.from_is_local = is_local_address(*from, saved_host_addresses(facts.host));
    }
    facts.paths = paths_for(facts, recorded_lookups(facts.host));
}

}  // namespace dnd
