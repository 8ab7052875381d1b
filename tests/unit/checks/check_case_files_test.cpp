// Every check in the registry has a case file here named after it (app.loopback-only ->
// tests/unit/checks/app_loopback_only_test.cpp), so a new check without readable cases fails.
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "docknetdoctor/check.hpp"

namespace dnd {
namespace {

// Checks being reworked by others now; their case files follow. Remove a line once its
// file exists (the test says so).
const std::set<std::string> kCaseFilesStillMissing = {
};

// "app.loopback-only" -> "app_loopback_only_test.cpp", as checks/ names its sources.
std::string case_file_of(std::string_view id) {
    std::string stem(id);
    std::replace(stem.begin(), stem.end(), '.', '_');
    std::replace(stem.begin(), stem.end(), '-', '_');
    return stem + "_test.cpp";
}

TEST(CheckCaseFiles, EveryRegisteredCheckHasItsCaseFile) {
    const std::filesystem::path dir = std::filesystem::path(DND_SOURCE_DIR) / "tests/unit/checks";
    std::set<std::string> registered;
    for (const Check& check : all_checks()) {
        const std::string id(check.id);
        registered.insert(id);
        const bool exists = std::filesystem::exists(dir / case_file_of(id));
        if (kCaseFilesStillMissing.contains(id))
            EXPECT_FALSE(exists) << id << " has its case file now: remove it from kCaseFilesStillMissing";
        else
            EXPECT_TRUE(exists) << id << " has no case file: write " << (dir / case_file_of(id)).string()
                                << " (at least two firing and two quiet cases, built with FactsBuilder)";
    }
    for (const std::string& id : kCaseFilesStillMissing)
        EXPECT_TRUE(registered.contains(id)) << id << " is no registered check: remove it from kCaseFilesStillMissing";
}

}  // namespace
}  // namespace dnd
