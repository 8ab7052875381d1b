#pragma once
// A scratch network namespace for tests that need real netfilter/sockets without touching
// the host: `ip netns add` on construction (lo up), `ip netns del` on destruction, also
// when the test fails. ok() false: cannot create one here (not root): the test skips.
#include <string>
#include <type_traits>
#include <vector>

#include "docknetdoctor/probe/probe.hpp"  // run_in_netns: the same netns entry the tool uses
#include "run_binary.hpp"

namespace dnd::testing {

class ScratchNetns {
public:
    explicit ScratchNetns(const std::string& tag);
    ~ScratchNetns();
    ScratchNetns(const ScratchNetns&) = delete;
    ScratchNetns& operator=(const ScratchNetns&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }
    std::string path() const { return "/run/netns/" + name_; }
    // A command inside the namespace (`ip netns exec NAME ARGV...`), with run_process's deadline.
    test::ProcessResult run(const std::vector<std::string>& argv) const;
    // A shell command inside the namespace (`sh -ec CMD` through run()); true on exit 0.
    bool exec(const std::string& shell_command) const;

    // fn() on a dedicated thread that joined the namespace; a default value when it could
    // not enter.
    template <class Fn>
    auto inside(Fn fn) const -> std::invoke_result_t<Fn> {
        using R = std::invoke_result_t<Fn>;
        if constexpr (std::is_void_v<R>) {
            (void)run_in_netns(path(), fn);
        } else {
            R result{};
            (void)run_in_netns(path(), [&] { result = fn(); });
            return result;
        }
    }

private:
    std::string name_;
    bool ok_ = false;
};

}  // namespace dnd::testing
