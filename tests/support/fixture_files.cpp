#include "fixture_files.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

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

}  // namespace dnd::testing
