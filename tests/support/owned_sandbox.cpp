#include "owned_sandbox.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

namespace dnd::test {
namespace {

std::string sandbox_script() { return std::string(DND_SOURCE_DIR) + "/scripts/sandbox.sh"; }

}  // namespace

OwnedSandbox::OwnedSandbox(std::string dir, const std::map<std::string, std::string>& env,
                           const std::string& daemon_json)
    : dir_(std::move(dir)) {
    if (!daemon_json.empty()) {
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ + "/daemon.json") << daemon_json << "\n";
    }
    RunOptions options;
    options.timeout = std::chrono::seconds(180);
    options.env = env;
    start_ = run_process({sandbox_script(), "start", dir_}, options);
}

OwnedSandbox::~OwnedSandbox() {
    RunOptions options;
    options.timeout = std::chrono::seconds(120);
    run_process({sandbox_script(), "stop", dir_}, options);
}

}  // namespace dnd::test
