#pragma once
// A change to the sandbox host's netfilter/sysctl state with its undo, run on destruction:
// every test undoes what it changed, also when it fails.
#include <string>

#include "sandbox.hpp"

namespace dnd::test {

class HostChange {
public:
    // `sh -ec APPLY` in the sandbox's host netns now; `sh -c UNDO` there on destruction.
    HostChange(const Sandbox& sandbox, const std::string& apply, std::string undo);
    ~HostChange();
    HostChange(const HostChange&) = delete;
    HostChange& operator=(const HostChange&) = delete;
    const ProcessResult& result() const { return result_; }

private:
    const Sandbox& sandbox_;
    std::string undo_;
    ProcessResult result_;
};

// A fix command from a report, run in the sandbox host as it stands; on destruction the state
// a fix may change is put back: the iptables-nft and iptables-legacy tables and
// net.ipv4.ip_forward, as saved before it ran. (A fix in a native nft table goes with that
// table, which the scenario deletes.)
class AppliedFix {
public:
    AppliedFix(const Sandbox& sandbox, std::string command);
    ~AppliedFix();
    AppliedFix(const AppliedFix&) = delete;
    AppliedFix& operator=(const AppliedFix&) = delete;
    const std::string& command() const { return command_; }
    // The fix's own outcome (or, if the state could not be saved, that failure: nothing ran).
    const ProcessResult& result() const { return result_; }

private:
    const Sandbox& sandbox_;
    std::string command_;
    std::string saved_;
    bool saved_ok_ = false;
    ProcessResult result_;
};

}  // namespace dnd::test
