#include "diagnosis_log.hpp"

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "sandbox.hpp"

namespace dnd::test {

void record_diagnosis(const std::string& engine_version, const std::vector<std::string>& args,
                      const Diagnosis& diagnosis) {
    const char* path = std::getenv("DND_DIAGNOSIS_LOG");
    if (path == nullptr || *path == '\0') return;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string top = diagnosis.top_cause_id();
    // One write per line, appended: the tests of one run write in turn.
    std::ofstream(path, std::ios::app) << fmt::format(
        "{}\t{}\t{}\t{}\t{}\n",
        test == nullptr ? std::string("-") : fmt::format("{}.{}", test->test_suite_name(), test->name()),
        engine_version.empty() ? "?" : engine_version, diagnosis.process.exit_code, top.empty() ? "-" : top,
        fmt::join(args, " "));
}

}  // namespace dnd::test
