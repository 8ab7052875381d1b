#pragma once
// Helpers for the netfilter reader tests: the recorded fixtures, finding a chain and its
// rules as text (the scratch network namespace is scratch_netns.hpp's).
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "fixture_files.hpp"
#include "scratch_netns.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf::testing {

inline std::string fixture_dir() { return std::string(DND_SOURCE_DIR) + "/fixtures/netfilter"; }

using dnd::testing::ScratchNetns;
using dnd::testing::read_bytes;
using dnd::testing::update_fixtures;
using dnd::testing::update_golden_file;

inline const Chain* find_chain(const Ruleset& rs, Family family, std::string_view table, std::string_view chain,
                               RulesetSource source = RulesetSource::nftables) {
    const Table* t = rs.find_table(family, table, source);
    return t == nullptr ? nullptr : t->find_chain(chain);
}

// Every rule of a chain rendered without the "family table chain handle N: " prefix.
inline std::vector<std::string> rule_texts(const Ruleset& rs, Family family, std::string_view table,
                                           std::string_view chain, RulesetSource source = RulesetSource::nftables) {
    std::vector<std::string> out;
    const Table* t = rs.find_table(family, table, source);
    if (t == nullptr) return out;
    const Chain* c = t->find_chain(chain);
    if (c == nullptr) return out;
    for (const Rule& r : c->rules) out.push_back(format_rule_body(*t, r));
    return out;
}

}  // namespace dnd::nf::testing
