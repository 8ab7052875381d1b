#include "schema_validation.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include "run_binary.hpp"

namespace dnd::test {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Prints one line per violation ("path: message") and exits 1; exits 2 when it cannot validate.
constexpr const char* kValidatorScript = R"PY(
import json, sys
try:
    import jsonschema
except ImportError as e:
    print("python3-jsonschema is not installed:", e); sys.exit(2)
with open(sys.argv[1]) as f: schema = json.load(f)
with open(sys.argv[2]) as f: doc = json.load(f)
cls = jsonschema.validators.validator_for(schema)
try:
    cls.check_schema(schema)
except jsonschema.exceptions.SchemaError as e:
    print("the schema itself is invalid:", e.message); sys.exit(2)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
for e in errors:
    print("/" + "/".join(map(str, e.absolute_path)) + ": " + e.message)
sys.exit(1 if errors else 0)
)PY";

// A temporary file removed with the scope.
class TempFile {
public:
    explicit TempFile(const std::string& content) {
        const char* tmpdir = std::getenv("TMPDIR");
        std::string pattern = std::string(tmpdir != nullptr ? tmpdir : "/tmp") + "/dnd-report-XXXXXX.json";
        const int fd = ::mkstemps(pattern.data(), 5);
        if (fd < 0) {
            error_ = std::string("mkstemps: ") + std::strerror(errno);
            return;
        }
        path_ = pattern;
        std::size_t done = 0;
        while (done < content.size()) {
            const auto n = ::write(fd, content.data() + done, content.size() - done);
            if (n <= 0) {
                error_ = std::string("write: ") + std::strerror(errno);
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    const std::string& path() const { return path_; }
    const std::string& error() const { return error_; }

private:
    std::string path_;
    std::string error_;
};

}  // namespace

std::filesystem::path report_schema_path() {
    return std::filesystem::path(DND_SOURCE_DIR) / "man" / "docknetdoctor-report.schema.json";
}

std::filesystem::path trace_schema_path() {
    return std::filesystem::path(DND_SOURCE_DIR) / "man" / "docknetdoctor-trace.schema.json";
}

::testing::AssertionResult validate_against_schema(const nlohmann::json& document,
                                                   const std::filesystem::path& schema_path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(schema_path, ec)) {
        return ::testing::AssertionFailure() << "schema file not found: " << schema_path.string();
    }
    const TempFile doc_file(document.dump(2));
    if (!doc_file.error().empty()) {
        return ::testing::AssertionFailure() << "cannot write the document: " << doc_file.error();
    }
    RunOptions options;
    options.timeout = std::chrono::seconds(30);
    const auto result =
        run_process({kPython, "-c", kValidatorScript, schema_path.string(), doc_file.path()}, options);
    if (result.exit_code == 0) return ::testing::AssertionSuccess();
    if (result.exit_code == 1) {
        return ::testing::AssertionFailure() << "does not match " << schema_path.filename().string() << ":\n"
                                             << result.out;
    }
    return ::testing::AssertionFailure() << "could not validate: " << result.out << result.describe();
}

}  // namespace dnd::test
