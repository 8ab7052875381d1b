// The watch loop (watch.hpp). Changes come in bursts (Docker writes a container's rules in
// several transactions and sends several events for one start), so a look waits for a
// quiet moment: kQuiet after the last announcement, never more than kLongestWait after the
// first. Each look after a change is followed by one more kSettle later: an app may still be
// starting when the engine says "start".
#include "docknetdoctor/app/watch.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/collect/engine_events.hpp"
#include "docknetdoctor/collect/ruleset_changes.hpp"
#include "docknetdoctor/model/rfc3339.hpp"
#include "docknetdoctor/model/sanitize.hpp"
#include "docknetdoctor/model/verdict_change.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/render/watch_lines.hpp"

namespace dnd {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kQuiet = 300ms;
constexpr auto kLongestWait = 1s;
constexpr auto kSettle = 3s;
constexpr auto kLegacyPoll = 1s;
constexpr int kExitUnknown = 3;

std::string now_text() {
    return format_rfc3339(std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()), 3);
}

long long now_nano() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The lines, as they happen: false once stdout is gone (nobody reads: stop).
bool write_all(std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// What the engine's thread hands to the loop: announcements, woken through an eventfd.
class Mailbox {
public:
    Mailbox() : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
    bool valid() const { return wake_.valid(); }
    int fd() const { return wake_.get(); }

    void post_event(std::string what) { post(events_, std::move(what)); }
    void post_note(std::string what) { post(notes_, std::move(what)); }

    // What came since the last take: (events, notes).
    std::pair<std::vector<std::string>, std::vector<std::string>> take() {
        std::uint64_t count = 0;
        [[maybe_unused]] auto ignored = ::read(wake_.get(), &count, sizeof count);
        std::lock_guard lock(mutex_);
        return {std::exchange(events_, {}), std::exchange(notes_, {})};
    }

private:
    void post(std::vector<std::string>& into, std::string what) {
        {
            std::lock_guard lock(mutex_);
            into.push_back(std::move(what));
        }
        const std::uint64_t one = 1;
        [[maybe_unused]] auto ignored = ::write(wake_.get(), &one, sizeof one);
    }

    UniqueFd wake_;
    std::mutex mutex_;
    std::vector<std::string> events_;
    std::vector<std::string> notes_;
};

class Watch {
public:
    Watch(const Options& o, const LookOnce& look) : options_(o), look_(look) {}

    // false when stdout is gone.
    bool note(std::string_view text) {
        const bool json = options_.format != Format::text;
        return write_all(json ? watch_note_json(now_text(), text) : watch_note_text(now_text(), text));
    }

    // One look and its lines; false when stdout is gone.
    bool look(const std::string& trigger) {
        auto reports = look_();
        if (!reports) {
            // No container's state is known: say so once, keep the states until a look works.
            if (reports.error().message == failed_look_) return true;
            failed_look_ = reports.error().message;
            return note(fmt::format("cannot look ({}): {}", trigger, reports.error().message));
        }
        failed_look_.clear();
        WatchedStates now = watched_states(*reports);
        const bool json = options_.format != Format::text;
        const std::string time = now_text();
        for (const auto& change : verdict_changes(states_, now))
            if (!write_all(json ? watch_line_json(change, time, trigger) : watch_line_text(change, time, trigger)))
                return false;
        states_ = std::move(now);
        return true;
    }

private:
    const Options& options_;
    const LookOnce& look_;
    WatchedStates states_;
    std::string failed_look_;
};

// A look is due: what led to it, since when, and since the last announcement.
struct Pending {
    std::string trigger;
    Clock::time_point first;
    Clock::time_point last;
};

void announce(std::optional<Pending>& pending, std::string trigger, Clock::time_point now) {
    if (pending) {
        pending->last = now;
        return;  // the first announcement names the look
    }
    pending = Pending{std::move(trigger), now, now};
}

int ms_until(Clock::time_point at, Clock::time_point now) {
    if (at <= now) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(at - now).count());
}

}  // namespace

int run_watch(const Options& o, const LookOnce& look_once) {
    // SIGINT/SIGTERM become a readable descriptor: blocked in every thread (the engine's
    // thread inherits the mask), so the loop ends the watch and the destructors run.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
        std::fprintf(stderr, "docknetdoctor: cannot block SIGINT/SIGTERM for watch\n");
        return kExitUnknown;
    }
    UniqueFd signals(::signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK));
    Mailbox mailbox;
    if (!signals.valid() || !mailbox.valid()) {
        std::fprintf(stderr, "docknetdoctor: cannot set watch up: %s\n", std::strerror(errno));
        return kExitUnknown;
    }
    Watch watch(o, look_once);

    auto endpoint = choose_docker_endpoint(o.docker_host, docker_host_from_environment());
    if (!endpoint) {
        std::fprintf(stderr, "docknetdoctor: %s\n", sanitize(endpoint.error().message).c_str());
        return kExitUnknown;
    }
    // The stream starts from this moment: nothing that happens during the first look is missed.
    EngineEventFollower engine(
        *endpoint, o.timeout, now_nano(), [&mailbox](std::string e) { mailbox.post_event("engine: " + e); },
        [&mailbox](std::string why) {
            if (why.empty()) mailbox.post_event("engine: answering again");  // a look: what changed meanwhile?
            else mailbox.post_note("engine events: " + why + "; following again each second");
        });
    auto nftables = NftablesChanges::subscribe();
    LegacyRulesWatch legacy("/proc");
    auto legacy_read = legacy.changed();

    std::string sources = "engine events";
    if (nftables) sources += ", nftables changes";
    if (legacy_read) sources += ", the iptables-legacy tables each second";
    sources += fmt::format(", and a full look every {}s", std::chrono::duration_cast<std::chrono::seconds>(o.recheck_every).count());
    if (!watch.note(fmt::format("watching {} on {}", o.all ? "every container with a published port" : o.container, sources)))
        return 0;
    for (const auto* unseen : {nftables ? nullptr : &nftables.error(), legacy_read ? nullptr : &legacy_read.error()})
        if (unseen && !watch.note("not followed: " + unseen->message)) return 0;
    if (!watch.look("start")) return 0;

    std::optional<Pending> pending;
    auto next_recheck = Clock::now() + o.recheck_every;
    auto next_legacy = Clock::now() + kLegacyPoll;
    auto settle_at = Clock::time_point::max();  // max: no look to settle
    for (;;) {
        const auto now = Clock::now();
        auto wake_at = std::min({next_recheck, legacy_read ? next_legacy : next_recheck, settle_at});
        if (pending) wake_at = std::min({wake_at, pending->last + kQuiet, pending->first + kLongestWait});
        std::vector<pollfd> fds{{signals.get(), POLLIN, 0}, {mailbox.fd(), POLLIN, 0}};
        if (nftables) fds.push_back({nftables->fd(), POLLIN, 0});
        const int ready = ::poll(fds.data(), fds.size(), ms_until(wake_at, now));
        if (ready < 0 && errno != EINTR) {
            std::fprintf(stderr, "docknetdoctor: watch: poll: %s\n", std::strerror(errno));
            return kExitUnknown;
        }
        const auto woke = Clock::now();
        if (fds[0].revents != 0) return 0;  // SIGINT or SIGTERM: the watch ends as asked
        if (fds[1].revents != 0) {
            auto [events, notes] = mailbox.take();
            for (const auto& n : notes)
                if (!watch.note(n)) return 0;
            for (auto& e : events) announce(pending, std::move(e), woke);
        }
        if (nftables && fds[2].revents != 0) {
            auto changed = nftables->drain();
            if (!changed) {
                if (!watch.note("nftables changes no longer followed: " + changed.error().message)) return 0;
                nftables = std::unexpected(changed.error());
            } else if (*changed) {
                announce(pending, "nftables", woke);
            }
        }
        if (legacy_read && woke >= next_legacy) {
            next_legacy = woke + kLegacyPoll;
            if (auto changed = legacy.changed(); changed && *changed) announce(pending, "iptables-legacy", woke);
        }
        std::string trigger;
        if (pending && (woke >= pending->last + kQuiet || woke >= pending->first + kLongestWait)) {
            trigger = pending->trigger;
            pending.reset();
            settle_at = woke + kSettle;
        } else if (woke >= settle_at) {
            trigger = "recheck, settling after a change";
            settle_at = Clock::time_point::max();
        } else if (woke >= next_recheck) {
            trigger = "recheck";
        }
        if (trigger.empty()) continue;
        if (!watch.look(trigger)) return 0;
        next_recheck = Clock::now() + o.recheck_every;
    }
}

}  // namespace dnd
