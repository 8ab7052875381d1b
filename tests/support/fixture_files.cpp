#include "fixture_files.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

namespace dnd::testing {

bool update_fixtures() {
    const char* v = std::getenv("DND_UPDATE_FIXTURES");
    return v != nullptr && std::string(v) == "1";
}

std::string fixtures_root() { return std::string(DND_SOURCE_DIR) + "/fixtures"; }

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

Facts load_facts_fixture(const std::string& path) {
    auto facts = facts_from_json_text(read_text(path));
    if (!facts) ADD_FAILURE() << path << ": " << facts.error().message;
    return facts.value_or(Facts{});
}

Facts load_check_case(const std::string& name) {
    return load_facts_fixture(fixtures_root() + "/checks/" + name + "/facts.json");
}

}  // namespace dnd::testing
