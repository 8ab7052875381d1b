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

}  // namespace dnd::test
