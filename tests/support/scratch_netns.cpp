#include "scratch_netns.hpp"

#include <unistd.h>

#include <cstdlib>

namespace dnd::testing {
namespace {

bool run_quietly(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

ScratchNetns::ScratchNetns(const std::string& tag) : name_("dnd-" + tag + "-" + std::to_string(::getpid())) {
    ok_ = ::geteuid() == 0 && run_quietly("ip netns add " + name_) && run_quietly("ip -n " + name_ + " link set lo up");
}

ScratchNetns::~ScratchNetns() {
    if (ok_) run_quietly("ip netns del " + name_);
}

bool ScratchNetns::exec(const std::string& shell_command) const {
    return run_quietly("ip netns exec " + name_ + " sh -ec " + quoted(shell_command));
}

}  // namespace dnd::testing
