// Which base chains run at a hook, and in which order, across nftables and iptables-legacy.
#include <algorithm>

#include "path_internal.hpp"

namespace dnd::path {
namespace {

bool sees_family(nf::Family table_family, int family) {
    switch (table_family) {
    case nf::Family::ip: return family == 4;
    case nf::Family::ip6: return family == 6;
    case nf::Family::inet: return true;
    default: return false;
    }
}

void add_from(const nf::Ruleset& rules, nf::Hook hook, int family, bool nftables, std::vector<HookChain>& out) {
    for (const nf::Table& t : rules.tables) {
        if (!sees_family(t.family, family)) continue;
        if (nftables && (t.flags & 1) != 0) continue;  // NFT_TABLE_F_DORMANT: hooks not registered
        for (const nf::Chain& c : t.chains)
            if (c.base && c.base->hook == hook) out.push_back({&t, &c});
    }
}

}  // namespace

std::vector<HookChain> chains_at(const HostNetwork& host, nf::Hook hook, int family) {
    std::vector<HookChain> out;
    if (host.nftables) add_from(*host.nftables, hook, family, true, out);
    if (host.iptables_legacy) add_from(*host.iptables_legacy, hook, family, false, out);
    std::stable_sort(out.begin(), out.end(), [](const HookChain& a, const HookChain& b) {
        return a.chain->base->priority < b.chain->base->priority;
    });
    return out;
}

}  // namespace dnd::path
