// The watch loop (watch.hpp): the sources of announcements, the looks LookSchedule asks
// for, and the lines of what changed.
#include "docknetdoctor/app/watch.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/app/look_schedule.hpp"
#include "docknetdoctor/app/output.hpp"
#include "docknetdoctor/app/watch_mailbox.hpp"
#include "docknetdoctor/collect/engine_events.hpp"
#include "docknetdoctor/collect/restart_history_collect.hpp"
#include "docknetdoctor/collect/ruleset_changes.hpp"
#include "docknetdoctor/model/rfc3339.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/model/verdict_change.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/render/watch_lines.hpp"

namespace dnd {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kLegacyPoll = std::chrono::seconds(1);

// How the watch ends: on SIGINT/SIGTERM, or when stdout's reader went away (nobody is
// left to tell: 0 as well); anything else is a line on stderr and unknown.
struct Ended {
    int code = 0;
};

// One line to stdout; Ended when it cannot be written.
std::optional<Ended> print(std::string_view line) {
    const int error = write_all(STDOUT_FILENO, line);
    if (error == 0) return std::nullopt;
    if (error == EPIPE) return Ended{0};
    std::cerr << "docknetdoctor: watch: cannot write to standard output: " << std::strerror(error) << "\n";
    return Ended{kExitUnknown};
}

class Watch {
public:
    Watch(const Options& o, const LookOnce& look) : json_(o.format != Format::text), look_(look) {}

    std::optional<Ended> note(std::string_view text) {
        const auto time = now_text();
        return print(json_ ? watch_note_json(time, text) : watch_note_text(time, text));
    }

    // One look and the lines of what changed.
    std::optional<Ended> look(const std::string& trigger) {
        auto reports = look_();
        if (!reports) {
            // No container's state is known: said once, the states kept until a look works.
            if (reports.error().message == failed_look_) return std::nullopt;
            failed_look_ = reports.error().message;
            return note(fmt::format("cannot look ({}): {}", trigger, reports.error().message));
        }
        failed_look_.clear();
        WatchedStates now = watched_states(*reports);
        const std::string time = now_text();
        for (const auto& change : verdict_changes(states_, now))
            if (auto ended = print(json_ ? watch_line_json(change, time, trigger) : watch_line_text(change, time, trigger)))
                return ended;
        states_ = std::move(now);
        return std::nullopt;
    }

private:
    static std::string now_text() { return format_rfc3339(utc_now(), 3); }

    bool json_;
    const LookOnce& look_;
    WatchedStates states_;
    std::string failed_look_;
};

// What one read of the legacy tables came to.
struct LegacyRead {
    bool changed = false;
    std::optional<Ended> ended;  // the note it made could not be written
};

// The last failure of the legacy tables' read, so each is said once.
class LegacyFollower {
public:
    // Whether the tables changed; a failure is a note (once), no change.
    LegacyRead read(Watch& watch) {
        auto result = rules_.changed();
        LegacyRead read{result && *result, std::nullopt};
        const std::string failure = result ? "" : result.error().message;
        if (failure == last_failure_) return read;
        last_failure_ = failure;
        read.ended = watch.note(failure.empty() ? "the iptables-legacy tables are read again"
                                                : "the iptables-legacy tables cannot be read: " + failure);
        return read;
    }

private:
    LegacyRulesWatch rules_{"/proc"};
    std::string last_failure_;
};

int loop(const Options& o, const LookOnce& look_once, int signals) {
    Watch watch(o, look_once);
    auto endpoint = choose_docker_endpoint(o.docker_host, docker_host_from_environment());
    if (!endpoint) {
        std::cerr << "docknetdoctor: " << sanitize(endpoint.error().message) << "\n";
        return kExitUnknown;
    }
    WatchMailbox mailbox;
    if (!mailbox.valid()) {
        std::cerr << "docknetdoctor: cannot set watch up: eventfd: " << std::strerror(errno) << "\n";
        return kExitUnknown;
    }
    // The stream starts from this moment: nothing that happens during the first look is missed.
    EngineEventFollower engine(
        *endpoint, o.timeout, std::chrono::duration_cast<std::chrono::nanoseconds>(utc_now().time_since_epoch()).count(),
        [&mailbox](std::string e) { mailbox.post_event("engine: " + e); },
        [&mailbox](std::string trouble) {
            if (trouble.empty()) mailbox.post_event("engine: its events followed again");  // what changed meanwhile?
            else mailbox.post_note("engine events: " + trouble);
        });
    auto nftables = NftablesChanges::subscribe();
    LegacyFollower legacy;

    std::string sources = "engine events";
    if (nftables) sources += ", nftables changes";
    sources += fmt::format(", the iptables-legacy tables each second, and a full look every {}s",
                           std::chrono::duration_cast<std::chrono::seconds>(o.recheck_every).count());
    if (auto ended = watch.note(fmt::format("watching {} on {}", o.all ? "every container with a published port" : o.container,
                                            sources)))
        return ended->code;
    if (!nftables)
        if (auto ended = watch.note("nftables changes are not followed: " + nftables.error().message)) return ended->code;
    if (const auto first = legacy.read(watch); first.ended) return first.ended->code;
    if (auto ended = watch.look("start")) return ended->code;

    LookSchedule schedule(o.recheck_every, Clock::now());
    auto next_legacy = Clock::now() + kLegacyPoll;
    for (;;) {
        const auto now = Clock::now();
        const auto wake_at = std::min(schedule.next_wake(), next_legacy);
        // stdout with no events asked: poll reports its reader gone (POLLERR) all the same.
        std::vector<pollfd> fds{{signals, POLLIN, 0}, {mailbox.fd(), POLLIN, 0}, {STDOUT_FILENO, 0, 0}};
        if (nftables) fds.push_back({nftables->fd(), POLLIN, 0});
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(std::max(wake_at - now, Clock::duration::zero()));
        if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR) {
            std::cerr << "docknetdoctor: watch: poll: " << std::strerror(errno) << "\n";
            return kExitUnknown;
        }
        const auto woke = Clock::now();
        if (fds[0].revents != 0) return 0;  // SIGINT or SIGTERM: the watch ends as asked
        if ((fds[2].revents & (POLLERR | POLLHUP)) != 0) return 0;  // nobody reads the lines any more
        if (fds[1].revents != 0) {
            auto mail = mailbox.take();
            for (const auto& n : mail.notes)
                if (auto ended = watch.note(n)) return ended->code;
            if (mail.first_event) schedule.announce(std::move(*mail.first_event), woke);
        }
        if (nftables && fds[3].revents != 0) {
            if (auto announced = nftables->drain(); !announced) {
                if (auto ended = watch.note("nftables changes are no longer followed: " + announced.error().message))
                    return ended->code;
                nftables = std::unexpected(announced.error());
            } else if (*announced) {
                schedule.announce("nftables", woke);
            }
        }
        if (woke >= next_legacy) {
            next_legacy = woke + kLegacyPoll;
            const LegacyRead read = legacy.read(watch);
            if (read.ended) return read.ended->code;
            if (read.changed) schedule.announce("iptables-legacy", woke);
        }
        if (auto trigger = schedule.due(woke)) {
            if (auto ended = watch.look(*trigger)) return ended->code;
            schedule.looked(Clock::now());
        }
    }
}

}  // namespace

int run_watch(const Options& o, const LookOnce& look_once) {
    // SIGINT/SIGTERM become a readable descriptor, blocked before any thread starts (the
    // threads inherit the mask): the loop ends the watch and every destructor runs. SIGPIPE
    // is blocked too: a reader gone is a failed write, not death.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigset_t blocked = stop_signals;
    sigaddset(&blocked, SIGPIPE);
    if (::pthread_sigmask(SIG_BLOCK, &blocked, nullptr) != 0) {
        std::cerr << "docknetdoctor: watch: cannot block SIGINT and SIGTERM\n";
        return kExitUnknown;
    }
    UniqueFd signals(::signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signals.valid()) {
        std::cerr << "docknetdoctor: cannot set watch up: signalfd: " << std::strerror(errno) << "\n";
        return kExitUnknown;
    }
    return loop(o, look_once, signals.get());
}

}  // namespace dnd
