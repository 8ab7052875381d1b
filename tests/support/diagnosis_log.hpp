#pragma once
// A record of the diagnoses the integration tests run, for the engine matrix's table
// (tests/integration/engine_matrix_table.py): when DND_DIAGNOSIS_LOG names a file, each
// diagnosis appends one tab-separated line to it: the test, the engine's version, the exit
// code, the top cause ("-" when none) and the arguments.
#include <string>
#include <vector>

namespace dnd::test {

struct Diagnosis;

void record_diagnosis(const std::string& engine_version, const std::vector<std::string>& args,
                      const Diagnosis& diagnosis);

}  // namespace dnd::test
