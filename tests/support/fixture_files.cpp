#include "fixture_files.hpp"

#include <cstdlib>
#include <filesystem>
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

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

namespace {

std::vector<std::string>& rewritten() {
    static std::vector<std::string> paths;
    return paths;
}

// Fails the run at its end with the list of golden files it rewrote, so that an update
// run is never mistaken for a passing one.
class RewrittenGoldenFilesReport : public ::testing::Environment {
public:
    void TearDown() override {
        if (rewritten().empty()) return;
        std::string list;
        for (const std::string& path : rewritten()) list += "\n  " + path;
        ADD_FAILURE() << "DND_UPDATE_FIXTURES=1 rewrote " << rewritten().size()
                      << " golden file(s); review the diff, then run again without it:" << list;
    }
};

[[maybe_unused]] ::testing::Environment* const kRewrittenGoldenFilesReport =
    ::testing::AddGlobalTestEnvironment(new RewrittenGoldenFilesReport);

}  // namespace

bool update_golden_file(const std::string& path, std::string_view content) {
    if (std::filesystem::exists(path) && read_text(path) == content) return false;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
        ADD_FAILURE() << "could not write the golden file " << path;
        return false;
    }
    rewritten().push_back(path);
    ADD_FAILURE() << "rewrote the golden file " << path << " (DND_UPDATE_FIXTURES=1): review the diff";
    return true;
}

bool update_golden_file(const std::string& path, std::span<const std::uint8_t> content) {
    return update_golden_file(path, std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
}

const std::vector<std::string>& rewritten_golden_files() { return rewritten(); }

Facts load_facts_fixture(const std::string& path) {
    auto facts = facts_from_json_text(read_text(path));
    if (!facts) ADD_FAILURE() << path << ": " << facts.error().message;
    return facts.value_or(Facts{});
}

Facts load_check_case(const std::string& name) {
    return load_facts_fixture(fixtures_root() + "/checks/" + name + "/facts.json");
}

}  // namespace dnd::testing
