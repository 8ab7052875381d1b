// The schema helper must reject what violates a schema and say where, or every
// "validates against the schema" assertion in the integration tests would be hollow.
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "schema_validation.hpp"

namespace dnd::test {
namespace {

class SchemaValidationTest : public ::testing::Test {
protected:
    void SetUp() override {
        schema_path_ = std::filesystem::temp_directory_path() /
                       ("dnd-schema-test-" + std::to_string(::getpid()) + ".json");
        std::ofstream(schema_path_) << R"({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["verdict", "causes"],
            "properties": {
                "verdict": {"enum": ["ok", "warning", "critical", "unknown"]},
                "causes": {"type": "array", "items": {"type": "object", "required": ["id"]}}
            }
        })";
    }
    void TearDown() override { std::filesystem::remove(schema_path_); }

    std::filesystem::path schema_path_;
};

TEST_F(SchemaValidationTest, AcceptsMatchingDocument) {
    const auto doc = nlohmann::json::parse(R"({"verdict": "ok", "causes": [{"id": "app.not-listening"}]})");
    EXPECT_TRUE(validate_against_schema(doc, schema_path_));
}

TEST_F(SchemaValidationTest, RejectsViolationAndNamesItsPath) {
    const auto doc = nlohmann::json::parse(R"({"verdict": "fine", "causes": [{"title": "no id"}]})");
    const auto result = validate_against_schema(doc, schema_path_);
    ASSERT_FALSE(result);
    const std::string message = result.message();
    EXPECT_NE(message.find("/verdict"), std::string::npos) << message;
    EXPECT_NE(message.find("/causes/0"), std::string::npos) << message;
}

TEST_F(SchemaValidationTest, MissingSchemaFileFails) {
    const auto result = validate_against_schema(nlohmann::json::object(), schema_path_.string() + ".missing");
    ASSERT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find("not found"), std::string::npos);
}

TEST(ReportSchema, SchemaFileIsValidJsonSchema) {
    // An empty object violates any useful report schema, but must not break the validator.
    const auto result = validate_against_schema(nlohmann::json::object(), report_schema_path());
    const std::string message = result.message();
    EXPECT_EQ(message.find("could not validate"), std::string::npos) << message;
    EXPECT_EQ(message.find("not found"), std::string::npos) << message;
}

}  // namespace
}  // namespace dnd::test
