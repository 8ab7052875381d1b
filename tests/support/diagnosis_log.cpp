#include "diagnosis_log.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "sandbox.hpp"

namespace dnd::test {

void record_diagnosis(const std::string& engine_version, const std::vector<std::string>& args,
                      const Diagnosis& diagnosis) {
    const char* path = std::getenv("DND_DIAGNOSIS_LOG");
    if (path == nullptr || *path == '\0') return;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string line = test == nullptr ? std::string("-") : std::string(test->test_suite_name()) + "." + test->name();
    const std::string top = diagnosis.top_cause_id();
    line += "\t" + (engine_version.empty() ? std::string("?") : engine_version);
    line += "\t" + std::to_string(diagnosis.process.exit_code);
    line += "\t" + (top.empty() ? std::string("-") : top);
    line += "\t";
    for (const auto& arg : args) line += (&arg == &args.front() ? "" : " ") + arg;
    // One write per line, appended: the tests of one run write in turn.
    std::ofstream(path, std::ios::app) << line + "\n";
}

}  // namespace dnd::test
