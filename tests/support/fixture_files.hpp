#pragma once
// Golden files: reading recorded inputs and, with DND_UPDATE_FIXTURES=1, rewriting the
// expected outputs next to them. An update never passes silently: each file rewritten fails
// its test, and the run ends with the list of them (review the diff, rerun without it).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

namespace dnd::testing {

bool update_fixtures();                          // DND_UPDATE_FIXTURES=1
std::string fixtures_root();                     // <source>/fixtures
std::string read_text(const std::string& path);  // "" when unreadable
std::vector<std::uint8_t> read_bytes(const std::string& path);

// Update mode's one way to write a golden file: writes `content` only when it differs from
// what the file holds, then fails the current test naming the file and records it for the
// run's closing list. True when it wrote. Content already there passes.
bool update_golden_file(const std::string& path, std::string_view content);
bool update_golden_file(const std::string& path, std::span<const std::uint8_t> content);
// The golden files this run rewrote, in order.
const std::vector<std::string>& rewritten_golden_files();

// A saved Facts snapshot (JSON); a missing or unparsable file fails the current test
// (naming the path) and gives empty Facts.
Facts load_facts_fixture(const std::string& path);
// fixtures/checks/<name>/facts.json, through load_facts_fixture.
Facts load_check_case(const std::string& name);

}  // namespace dnd::testing
