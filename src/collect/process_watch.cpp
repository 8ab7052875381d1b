// pidfd_open (Linux 5.3): the fd becomes readable when the process exits, whatever pid the
// kernel hands out afterwards. Where pidfds are refused, kill(pid, 0) answers instead.
#include <cerrno>
#include <csignal>

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/collect/vanished_process.hpp"

namespace dnd {

ProcessWatch::ProcessWatch(const Container& c, By by) {
    if (!has_live_process(c) || c.state.pid <= 0) return;
    pid_ = c.state.pid;
    status_ = c.state.status;
    started_at_ = c.state.started_at;
    if (by == By::signal_probe) return;
    const long fd = ::syscall(SYS_pidfd_open, pid_, 0);
    if (fd >= 0) pidfd_.reset(static_cast<int>(fd));
    else if (errno == ESRCH) pid_ = 0;  // not here to watch: gone already, or the engine's host is another
}

bool ProcessWatch::gone() const {
    if (pid_ <= 0) return false;
    if (pidfd_.valid()) {
        pollfd p{pidfd_.get(), POLLIN, 0};
        return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
    }
    return ::kill(pid_, 0) != 0 && errno == ESRCH;
}

VanishedProcess ProcessWatch::vanished(std::string during) const {
    return VanishedProcess{pid_, std::move(during), status_, started_at_};
}

}  // namespace dnd
