#pragma once
// Golden files: reading recorded inputs and, with DND_UPDATE_FIXTURES=1, rewriting the
// expected outputs next to them (then review the diff).
#include <cstdint>
#include <string>
#include <vector>

#include "docknetdoctor/facts.hpp"

namespace dnd::testing {

bool update_fixtures();                          // DND_UPDATE_FIXTURES=1
std::string fixtures_root();                     // <source>/fixtures
std::string read_text(const std::string& path);  // "" when unreadable
void write_text(const std::string& path, const std::string& text);
std::vector<std::uint8_t> read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

// A saved Facts snapshot (JSON); a missing or unparsable file fails the current test
// (naming the path) and gives empty Facts.
Facts load_facts_fixture(const std::string& path);
// fixtures/checks/<name>/facts.json, through load_facts_fixture.
Facts load_check_case(const std::string& name);

}  // namespace dnd::testing
