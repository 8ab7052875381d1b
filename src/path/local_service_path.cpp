// The host port as a local service: the same packet evaluated with the nat chains taken out.
#include "docknetdoctor/local_service_path.hpp"

#include <algorithm>

namespace dnd {
namespace {

void drop_nat_base_chains(nf::Ruleset& ruleset) {
    for (nf::Table& table : ruleset.tables)
        std::erase_if(table.chains, [](const nf::Chain& c) { return c.base && c.base->type == nf::ChainType::nat; });
}

}  // namespace

HostNetwork without_nat_chains(const HostNetwork& host) {
    HostNetwork copy = host;
    if (copy.nftables) drop_nat_base_chains(*copy.nftables);
    if (copy.iptables_legacy) drop_nat_base_chains(*copy.iptables_legacy);
    return copy;
}

PathResult evaluate_as_local_service(const HostNetwork& host, const Packet& packet) {
    return evaluate_path(without_nat_chains(host), packet, recorded_lookups(host));
}

}  // namespace dnd
