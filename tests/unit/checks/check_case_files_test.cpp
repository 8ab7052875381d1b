// Every check in the registry has a case file here named after it (app.loopback-only ->
// tests/unit/checks/app_loopback_only_test.cpp), so a new check without readable cases fails.
#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "docknetdoctor/checks/all_checks.hpp"

namespace dnd {
namespace {

// "app.loopback-only" -> "app_loopback_only_test.cpp", as checks/ names its sources.
std::string case_file_of(std::string_view id) {
    std::string stem(id);
    std::replace(stem.begin(), stem.end(), '.', '_');
    std::replace(stem.begin(), stem.end(), '-', '_');
    return stem + "_test.cpp";
}

TEST(CheckCaseFiles, EveryRegisteredCheckHasItsCaseFile) {
    const std::filesystem::path dir = std::filesystem::path(DND_SOURCE_DIR) / "tests/unit/checks";
    for (const Check& check : all_checks()) {
        if (!check.run) continue;  // planned, or reported by the ranking
        const std::filesystem::path file = dir / case_file_of(check.id());
        EXPECT_TRUE(std::filesystem::exists(file)) << check.id() << " has no case file: write " << file.string()
                                                   << " (at least two firing and two quiet cases, built with FactsBuilder)";
    }
}

}  // namespace
}  // namespace dnd
