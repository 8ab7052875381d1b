#pragma once
// Validates a JSON document against a JSON Schema file with Debian's python3-jsonschema
// (/usr/bin/python3 explicitly: a pyenv python3 earlier in PATH may lack the module).
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dnd::test {

// The published report schema in the source tree.
std::filesystem::path report_schema_path();
// The published schema of trace --format json.
std::filesystem::path trace_schema_path();

// Success, or failure carrying the validator's messages (one per violation, with the
// JSON path), so `EXPECT_TRUE(validate_against_schema(doc, path))` explains itself.
::testing::AssertionResult validate_against_schema(const nlohmann::json& document,
                                                   const std::filesystem::path& schema_path);

}  // namespace dnd::test
