#pragma once
// Helpers for the netfilter reader tests: a scratch network namespace (RAII), running a
// function inside it on a dedicated thread, the recorded fixtures.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "docknetdoctor/netfilter_collect.hpp"
#include "fixture_files.hpp"
#include "scratch_netns.hpp"
#include "docknetdoctor/ruleset.hpp"

namespace dnd::nf::testing {

inline std::string fixture_dir() { return std::string(DND_SOURCE_DIR) + "/fixtures/netfilter"; }

using dnd::testing::ScratchNetns;
using dnd::testing::read_bytes;
using dnd::testing::update_fixtures;
using dnd::testing::write_bytes;

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
