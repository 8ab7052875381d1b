#pragma once
// Golden files: reading recorded inputs and, with DND_UPDATE_FIXTURES=1, rewriting the
// expected outputs next to them (then review the diff).
#include <cstdint>
#include <string>
#include <vector>

namespace dnd::testing {

bool update_fixtures();                          // DND_UPDATE_FIXTURES=1
std::string fixtures_root();                     // <source>/fixtures
std::string read_text(const std::string& path);  // "" when unreadable
void write_text(const std::string& path, const std::string& text);
std::vector<std::uint8_t> read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace dnd::testing
