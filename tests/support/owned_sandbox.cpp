#include "owned_sandbox.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace dnd::test {
namespace {

constexpr int kCannotRunHere = 77;  // sandbox.sh's "cannot run here"

std::string sandbox_script() { return std::string(DND_SOURCE_DIR) + "/scripts/sandbox.sh"; }

}  // namespace

OwnedSandbox::OwnedSandbox(const std::string& suffix, const std::map<std::string, std::string>& env,
                           const std::string& daemon_json) {
    const char* shared = std::getenv("DND_SANDBOX_DIR");
    if (shared == nullptr || *shared == '\0') {
        skip_reason_ = "DND_SANDBOX_DIR is not set (run the tests through ctest)";
        return;
    }
    dir_ = std::string(shared) + suffix;
    if (!daemon_json.empty()) {
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ + "/daemon.json") << daemon_json << "\n";
    }
    RunOptions options;
    options.timeout = std::chrono::seconds(180);
    options.env = env;
    start_ = run_process({sandbox_script(), "start", dir_}, options);
    if (start_.exit_code == kCannotRunHere) skip_reason_ = start_.describe();
}

OwnedSandbox::~OwnedSandbox() {
    if (dir_.empty()) return;
    RunOptions options;
    options.timeout = std::chrono::seconds(120);
    run_process({sandbox_script(), "stop", dir_}, options);
}

Result<Sandbox> OwnedSandbox::sandbox() const {
    if (!start_.ok()) return fail("sandbox", "sandbox.sh start failed: " + start_.describe());
    return Sandbox::from_dir(dir_);
}

}  // namespace dnd::test
