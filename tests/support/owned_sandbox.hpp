#pragma once
// A sandbox of a test's own, for an engine set up unlike the shared one (socket activation,
// a daemon.json of its own): `sandbox.sh start DIR` when made, `stop` when it goes, whatever
// happened in between. The engine is the one DND_ENGINE selects, as for the shared sandbox.
#include <map>
#include <string>

#include "run_binary.hpp"

namespace dnd::test {

class OwnedSandbox {
public:
    // sandbox.sh's "cannot run here" exit code: the test skips.
    static constexpr int kCannotRunHere = 77;

    // ENV: extra variables for `sandbox.sh start` (DND_SANDBOX_ACTIVATION ...). DAEMON_JSON:
    // the engine's configuration file, written to DIR/daemon.json before the start ("" = {}).
    OwnedSandbox(std::string dir, const std::map<std::string, std::string>& env, const std::string& daemon_json = "");
    ~OwnedSandbox();
    OwnedSandbox(const OwnedSandbox&) = delete;
    OwnedSandbox& operator=(const OwnedSandbox&) = delete;

    const ProcessResult& start_result() const { return start_; }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    ProcessResult start_;
};

}  // namespace dnd::test
