// An iptables-legacy table as getsockopt gives it: the ipt_getinfo struct, then the entries.
// Input: one byte for the family (even: IPv4), two for the info length, the info, entries.
#include "fuzz_target.hpp"

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/model/ruleset.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    if (input.size() < 3) return;
    nf::LegacyTableBlob blob;
    blob.family = input[0] % 2 == 0 ? 4 : 6;
    const std::size_t info_len = std::min<std::size_t>((std::size_t{input[1]} << 8) | input[2], input.size() - 3);
    blob.info.assign(input.begin() + 3, input.begin() + 3 + static_cast<std::ptrdiff_t>(info_len));
    blob.entries.assign(input.begin() + 3 + static_cast<std::ptrdiff_t>(info_len), input.end());
    auto table = nf::parse_iptables_legacy_table(blob);
    if (!table) return;
    for (const nf::Chain& c : table->chains)
        for (const nf::Rule& r : c.rules) (void)nf::format_rule(*table, c, r);
}
