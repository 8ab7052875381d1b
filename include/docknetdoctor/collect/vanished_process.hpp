#pragma once
// A container's process that vanishes while it is examined is evidence (a crash between the
// engine's answer and the probes), not a blind spot: the watch notices it, and the engine is
// asked again so the facts hold what it says afterwards (Facts::vanished_process).
#include <string>

#include "docknetdoctor/collect/collect.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd {

// Watches the container's process as the facts show it (a pidfd: a later process with the
// same pid does not fool it). Watches nothing when the container has no live process.
class ProcessWatch {
public:
    // How a watch learns of the exit: a pidfd (exact, one descriptor each), or kill(pid, 0)
    // (no descriptor: for watching hundreds at once; a pid reused within the run would hide
    // the exit).
    enum class By { pidfd, signal_probe };

    ProcessWatch() = default;
    explicit ProcessWatch(const Container& c, By by = By::pidfd);

    // True once the watched process has exited. A pid not there when the watch began is not
    // watched: the engine may be on another host (or a recording).
    bool gone() const;
    // What was seen, for Facts::vanished_process.
    VanishedProcess vanished(std::string during) const;

private:
    int pid_ = 0;
    std::string status_;
    std::string started_at_;
    UniqueFd pidfd_;
};

// Asks the engine again and records `seen`: the container (Facts::container is replaced by the
// new answer) and, on a sign of a restart loop, its recent runs. When the engine cannot be
// asked, the facts keep the earlier answer and the vanishing alone is recorded; when it still
// reports the same run (same pid and StartedAt), nothing is recorded.
void recheck_vanished_process(const DockerClient& client, Facts& facts, VanishedProcess seen);
// The same with a client of its own (after the probes, when collection is over).
void recheck_vanished_process(const CollectOptions& options, Facts& facts, VanishedProcess seen);

}  // namespace dnd
