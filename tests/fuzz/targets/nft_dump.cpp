// The nftables netlink dump (tables, chains, sets, elements, rules as the kernel sends them).
#include "fuzz_target.hpp"

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/model/ruleset.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    auto ruleset = nf::parse_nftables_dump(input);
    if (!ruleset) return;
    for (const nf::Table& t : ruleset->tables)
        for (const nf::Chain& c : t.chains)
            for (const nf::Rule& r : c.rules) (void)nf::format_rule(t, c, r);
}
