#pragma once
// A sandbox of a test's own, for an engine set up unlike the shared one (socket activation,
// a daemon.json of its own): `sandbox.sh start` when made, `stop` when it goes, whatever
// happened in between. Its directory sits beside the shared sandbox's ($DND_SANDBOX_DIR +
// suffix); the engine is the one DND_ENGINE selects, as for the shared sandbox.
#include <map>
#include <optional>
#include <string>

#include "docknetdoctor/model/error.hpp"
#include "run_binary.hpp"
#include "sandbox.hpp"

namespace dnd::test {

class OwnedSandbox {
public:
    // ENV: extra variables for `sandbox.sh start` (DND_SANDBOX_ACTIVATION ...). DAEMON_JSON:
    // the engine's configuration file, written to DIR/daemon.json before the start ("" = {}).
    OwnedSandbox(const std::string& suffix, const std::map<std::string, std::string>& env,
                 const std::string& daemon_json = "");
    ~OwnedSandbox();
    OwnedSandbox(const OwnedSandbox&) = delete;
    OwnedSandbox& operator=(const OwnedSandbox&) = delete;

    // Why the test should skip: no shared sandbox to sit beside, or sandbox.sh cannot run here.
    std::optional<std::string> skip_reason() const { return skip_reason_; }
    // The started sandbox, or why it did not start.
    Result<Sandbox> sandbox() const;

private:
    std::string dir_;
    ProcessResult start_;
    std::optional<std::string> skip_reason_;
};

}  // namespace dnd::test
