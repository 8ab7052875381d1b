#include "scratch_netns.hpp"

#include <unistd.h>

namespace dnd::testing {

ScratchNetns::ScratchNetns(const std::string& tag) : name_("dnd-" + tag + "-" + std::to_string(::getpid())) {
    ok_ = ::geteuid() == 0 && test::run_process({"ip", "netns", "add", name_}).ok() &&
          test::run_process({"ip", "-n", name_, "link", "set", "lo", "up"}).ok();
}

ScratchNetns::~ScratchNetns() {
    if (ok_) test::run_process({"ip", "netns", "del", name_});
}

test::ProcessResult ScratchNetns::run(const std::vector<std::string>& argv) const {
    std::vector<std::string> command{"ip", "netns", "exec", name_};
    command.insert(command.end(), argv.begin(), argv.end());
    return test::run_process(command);
}

bool ScratchNetns::exec(const std::string& shell_command) const { return run({"sh", "-ec", shell_command}).ok(); }

}  // namespace dnd::testing
