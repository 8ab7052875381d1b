// The probe engine: probe sockets are opened together, as many at once as the process's
// file-descriptor budget allows, and one epoll loop drives them, each under the same
// timeout from its start: N silent ports cost one timeout, not N, while they fit in the
// budget. Work per event is constant (epoll, a timer heap), so 10,000 ports cost linear time.
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/probe/socket_address.hpp"
#include "netns_sockets.hpp"
#include "socket_budget.hpp"

namespace dnd {
namespace {

using Clock = std::chrono::steady_clock;

// A datagram with a recognizable text, should it show up in a service's log.
constexpr std::string_view kUdpPayload = "docknetdoctor probe\n";

std::string address_text(const sockaddr* address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    const void* raw = address->sa_family == AF_INET6
                          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr)
                          : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
    if (::inet_ntop(address->sa_family, raw, text.data(), text.size()) == nullptr) return "?";
    return text.data();
}

double milliseconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

enum class Phase {
    connecting,  // TCP: SYN sent
    grace,       // TCP: connected, watching for a reset
    awaiting,    // UDP: datagram sent, waiting for a reply or an ICMP error
    done,
};

struct Probe {
    UniqueFd socket;
    std::chrono::milliseconds reset_grace = kResetGrace;
    Phase phase = Phase::done;
    bool watched = false;  // its socket is in the epoll set
    Clock::time_point started;
    Clock::time_point expires_at;  // its own deadline: started + the batch timeout
    Clock::time_point grace_until;
    ProbeOutcome result;

    void enter_grace(Clock::time_point now, Clock::time_point deadline_at) {
        result.latency_ms = milliseconds_between(started, now);
        phase = Phase::grace;
        grace_until = std::min(now + reset_grace, deadline_at);
    }

    void finish(ProbeStatus status, std::string detail) {
        result.outcome = status;
        result.detail = std::move(detail);
        phase = Phase::done;
        socket.reset();
    }
    void finish_at(Clock::time_point now, ProbeStatus status, std::string detail) {
        result.latency_ms = milliseconds_between(started, now);
        finish(status, std::move(detail));
    }
};

// An error from connect()/send()/recv() or SO_ERROR, in the vocabulary of probing.md.
void finish_with_errno(Probe& probe, Clock::time_point now, int error, std::string_view during) {
    const Proto proto = probe.result.target.proto;
    switch (error) {
        case ECONNREFUSED:
            if (proto == Proto::udp) probe.finish_at(now, ProbeStatus::closed, "ICMP port unreachable");
            else probe.finish_at(now, ProbeStatus::refused, "connection refused");
            return;
        case EHOSTUNREACH:
        case ENETUNREACH:
        case EHOSTDOWN:
        case ENETDOWN:
            probe.finish_at(now, ProbeStatus::unreachable, std::strerror(error));
            return;
        case ETIMEDOUT:
            probe.finish_at(now, ProbeStatus::timeout, std::strerror(error));
            return;
        case ECONNRESET:
            probe.finish_at(now, ProbeStatus::reset, "connection reset by the peer");
            return;
        default:
            probe.finish_at(now, ProbeStatus::error, fmt::format("{}: {}", during, std::strerror(error)));
    }
}

void enable_icmp_errors(int fd, int family) {
    const int on = 1;
    // A v6 socket talking to a v4-mapped address gets ICMPv4 errors: ask for both kinds.
    ::setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
    if (family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
}

// Makes the socket of probe `index`: in the calling thread's namespace, or in another.
Result<UniqueFd> socket_here(std::size_t, int family, int type) { return make_socket_here(family, type); }

void start(Probe& probe, Clock::time_point deadline_at, const std::function<Result<UniqueFd>(int, int)>& make_socket) {
    const ProbeTarget& target = probe.result.target;
    auto address = numeric_address(target.address, target.port);
    if (!address) {
        probe.finish(ProbeStatus::error, fmt::format("not a numeric IP address: {}", target.address));
        return;
    }
    const bool tcp = target.proto == Proto::tcp;
    auto socket = make_socket(address->family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!socket) {
        probe.finish(ProbeStatus::error, socket.error().message);
        return;
    }
    probe.socket = std::move(*socket);
    if (!tcp) enable_icmp_errors(probe.socket.get(), address->family());

    if (::connect(probe.socket.get(), address->get(), address->length) != 0) {
        if (tcp && errno == EINPROGRESS) {
            probe.phase = Phase::connecting;
            return;
        }
        finish_with_errno(probe, Clock::now(), errno, "connect");
        return;
    }
    const auto now = Clock::now();
    if (tcp) {
        probe.enter_grace(now, deadline_at);
        return;
    }
    if (::send(probe.socket.get(), kUdpPayload.data(), kUdpPayload.size(), MSG_NOSIGNAL) < 0) {
        finish_with_errno(probe, Clock::now(), errno, "send");
        return;
    }
    probe.phase = Phase::awaiting;
}

void on_connect_ready(Probe& probe, Clock::time_point now, Clock::time_point deadline_at) {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(probe.socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) {
        finish_with_errno(probe, now, error, "connect");
        return;
    }
    probe.enter_grace(now, deadline_at);
}

// docker-proxy accepts first and only then dials the container; when that fails it closes
// the client connection. Data means a real service answered.
void on_grace_event(Probe& probe, Clock::time_point now) {
    std::array<char, 256> buffer{};
    const ssize_t n = ::recv(probe.socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    const double connect_ms = probe.result.latency_ms;
    if (n > 0) {
        probe.finish(ProbeStatus::open, "connected; the service sent data");
    } else if (n == 0) {
        probe.finish_at(now, ProbeStatus::reset,
                        fmt::format("connected in {:.1f} ms, then closed by the peer without data", connect_ms));
    } else if (errno == ECONNRESET) {
        probe.finish_at(now, ProbeStatus::reset, fmt::format("connected in {:.1f} ms, then reset by the peer", connect_ms));
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        finish_with_errno(probe, now, errno, "recv");
    }
}

// Reads one ICMP error from the socket's error queue; false when there is none.
bool on_udp_error_queue(Probe& probe, Clock::time_point now) {
    std::array<char, 512> control{};
    std::array<char, 64> payload{};
    iovec io{payload.data(), payload.size()};
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    if (::recvmsg(probe.socket.get(), &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        const bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
        const bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
        if (!v4 && !v6) continue;
        sock_extended_err error{};
        std::memcpy(&error, CMSG_DATA(c), sizeof error);
        // The offender address follows the struct inside the same control message.
        sockaddr_storage offender{};
        std::memcpy(&offender, CMSG_DATA(c) + sizeof error,
                    std::min(sizeof offender, c->cmsg_len - CMSG_LEN(sizeof error)));
        const std::string from = offender.ss_family == AF_UNSPEC
                                     ? std::string("?")
                                     : address_text(reinterpret_cast<const sockaddr*>(&offender));
        switch (error.ee_errno) {
            case ECONNREFUSED:
                probe.finish_at(now, ProbeStatus::closed, fmt::format("ICMP port unreachable from {}", from));
                break;
            case EHOSTUNREACH:
            case ENETUNREACH:
            case EACCES:  // administratively prohibited: a firewall rejected it
                probe.finish_at(now, ProbeStatus::unreachable,
                                fmt::format("ICMP error from {}: {}", from, std::strerror(static_cast<int>(error.ee_errno))));
                break;
            default:
                probe.finish_at(now, ProbeStatus::error,
                                fmt::format("ICMP error from {}: {}", from, std::strerror(static_cast<int>(error.ee_errno))));
        }
        return true;
    }
    return false;
}

void on_udp_event(Probe& probe, short revents, Clock::time_point now) {
    if ((revents & POLLERR) && on_udp_error_queue(probe, now)) return;
    std::array<char, 512> buffer{};
    const ssize_t n = ::recv(probe.socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n >= 0) {
        probe.finish_at(now, ProbeStatus::open, fmt::format("the service answered with {} bytes", n));
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        finish_with_errno(probe, now, errno, "recv");
    }
}

// What a probe still pending at its deadline ends as.
void expire(Probe& probe, Clock::time_point now, std::chrono::milliseconds timeout) {
    const double waited_ms = milliseconds_between(probe.started, now);
    switch (probe.phase) {
        case Phase::connecting:
            probe.result.latency_ms = waited_ms;
            probe.finish(ProbeStatus::timeout, fmt::format("no answer within {} ms", timeout.count()));
            break;
        case Phase::grace:
            probe.finish(ProbeStatus::open, "connected; the deadline ended the wait for a reset");
            break;
        case Phase::awaiting:
            probe.result.latency_ms = waited_ms;
            probe.finish(ProbeStatus::open_filtered,
                         fmt::format("no reply and no ICMP error within {} ms", timeout.count()));
            break;
        case Phase::done: break;
    }
}

struct Timer {
    Clock::time_point at;
    std::size_t probe;
    bool operator>(const Timer& other) const { return at > other.at; }
};

// One batch: the window of open sockets, the epoll set and the timers of its probes.
class Batch {
public:
    Batch(std::span<const ProbeTarget> targets, std::chrono::milliseconds timeout, std::chrono::milliseconds reset_grace,
          ProbeSocketMaker make_socket = socket_here, std::function<void()> after_launch = [] {})
        : probes_(targets.size()), timeout_(timeout), window_(probe_socket_budget()),
          epoll_(::epoll_create1(EPOLL_CLOEXEC)), make_socket_(std::move(make_socket)),
          after_launch_(std::move(after_launch)) {
        for (std::size_t i = 0; i < targets.size(); ++i) {
            probes_[i].result.target = targets[i];
            probes_[i].reset_grace = reset_grace;
        }
    }

    std::vector<ProbeOutcome> run() {
        if (epoll_.get() < 0) return fail_all(fmt::format("epoll_create1: {}", std::strerror(errno)));
        for (;;) {
            launch();
            if (active_ == 0 && next_ == probes_.size()) break;
            // What the sockets already saw is read before any deadline is judged: starting a
            // large batch on a busy host can take longer than a deadline, and a probe whose
            // handshake completed meanwhile is open, not a timeout.
            if (auto drained = take_events(0); !drained) return fail_all(drained.error().message);
            fire_timers(Clock::now());
            if (active_ == 0) continue;
            if (auto waited = take_events(wait_ms()); !waited) return fail_all(waited.error().message);
        }
        std::vector<ProbeOutcome> outcomes;
        outcomes.reserve(probes_.size());
        for (Probe& probe : probes_) outcomes.push_back(std::move(probe.result));
        return outcomes;
    }

private:
    // Starts probes while the window has room.
    void launch() {
        while (active_ < window_ && next_ < probes_.size()) {
            const std::size_t index = next_++;
            Probe& probe = probes_[index];
            probe.started = Clock::now();
            probe.expires_at = probe.started + timeout_;
            start(probe, probe.expires_at, [&](int family, int type) { return make_socket_(index, family, type); });
            if (probe.phase == Phase::done) continue;
            ++active_;
            timers_.push({probe.expires_at, index});
            follow(index);
        }
        after_launch_();
    }

    // After a probe's phase changed: watch its socket for what the phase waits on, arm its
    // grace timer, or let it go.
    void follow(std::size_t index) {
        Probe& probe = probes_[index];
        if (probe.phase == Phase::done) {  // finish() closed the socket, which left the epoll set
            probe.watched = false;
            --active_;
            return;
        }
        epoll_event event{};
        event.events = probe.phase == Phase::connecting ? EPOLLOUT : EPOLLIN;
        event.data.u64 = index;
        const int op = probe.watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (::epoll_ctl(epoll_.get(), op, probe.socket.get(), &event) != 0) {
            probe.finish_at(Clock::now(), ProbeStatus::error, fmt::format("epoll_ctl: {}", std::strerror(errno)));
            return follow(index);
        }
        probe.watched = true;
        if (probe.phase == Phase::grace) timers_.push({probe.grace_until, index});
    }

    // Handles every ready socket, waiting at most timeout_ms (-1: until one is) for the
    // first. The error names the failed call.
    Result<void> take_events(int timeout_ms) {
        std::array<epoll_event, 256> events{};
        for (int round = 0;; ++round) {
            const int ready = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                                           round == 0 ? timeout_ms : 0);
            if (ready < 0) {
                if (errno == EINTR) return {};
                return fail("probe", fmt::format("epoll_wait: {}", std::strerror(errno)));
            }
            const auto now = Clock::now();
            for (int k = 0; k < ready; ++k) on_event(events[static_cast<std::size_t>(k)], now);
            if (static_cast<std::size_t>(ready) < events.size()) break;
        }
        return {};
    }

    void on_event(const epoll_event& event, Clock::time_point now) {
        const auto index = static_cast<std::size_t>(event.data.u64);
        Probe& probe = probes_[index];
        const Phase before = probe.phase;
        switch (before) {
            case Phase::connecting: on_connect_ready(probe, now, probe.expires_at); break;
            case Phase::grace: on_grace_event(probe, now); break;
            case Phase::awaiting: on_udp_event(probe, static_cast<short>(event.events), now); break;
            case Phase::done: return;
        }
        if (probe.phase != before) follow(index);
    }

    void fire_timers(Clock::time_point now) {
        while (!timers_.empty() && timers_.top().at <= now) {
            const std::size_t index = timers_.top().probe;
            timers_.pop();
            Probe& probe = probes_[index];
            if (probe.phase == Phase::done) continue;
            if (probe.phase == Phase::grace && probe.grace_until <= now)
                probe.finish(ProbeStatus::open, "connected, no reset during the grace period");
            else if (probe.expires_at <= now)
                expire(probe, now, timeout_);
            if (probe.phase == Phase::done) follow(index);
        }
    }

    int wait_ms() const {
        if (timers_.empty()) return -1;
        const auto now = Clock::now();
        if (timers_.top().at <= now) return 0;
        // Round up: waking a little late is harmless, spinning on a 0 ms timeout is not.
        return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(timers_.top().at - now).count());
    }

    std::vector<ProbeOutcome> fail_all(const std::string& why) {
        std::vector<ProbeOutcome> outcomes;
        for (Probe& probe : probes_) {
            // Pending or never started: the loop that would have decided it is gone.
            if (probe.phase != Phase::done || probe.result.detail.empty()) probe.finish(ProbeStatus::error, why);
            outcomes.push_back(std::move(probe.result));
        }
        return outcomes;
    }

    std::vector<Probe> probes_;
    std::chrono::milliseconds timeout_;
    std::size_t window_;
    UniqueFd epoll_;
    std::size_t next_ = 0;    // the next probe to start
    std::size_t active_ = 0;  // started and not done: their sockets are open
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    ProbeSocketMaker make_socket_;
    std::function<void()> after_launch_;  // runs after each round of starts
};

}  // namespace

std::vector<ProbeOutcome> probe_batch(std::span<const ProbeTarget> targets, std::chrono::milliseconds deadline,
                                      std::chrono::milliseconds reset_grace) {
    return Batch(targets, deadline, reset_grace).run();
}

std::vector<ProbeOutcome> probe_batch_made_by(std::span<const ProbeTarget> targets, std::chrono::milliseconds deadline,
                                              std::chrono::milliseconds reset_grace,
                                              const ProbeSocketMaker& make_socket) {
    return Batch(targets, deadline, reset_grace, make_socket).run();
}

SpreadBatch probe_batch_across_namespaces(std::span<const ProbeTarget> targets, std::span<const std::string> netns_paths,
                                          std::chrono::milliseconds deadline, std::chrono::milliseconds reset_grace) {
    SpreadBatch out;
    std::string failure;
    auto work = [&] {
        try {
            NetnsSockets sockets;
            auto make = [&](std::size_t index, int family, int type) {
                return sockets.make(index < netns_paths.size() ? netns_paths[index] : std::string{}, family, type);
            };
            out.outcomes = Batch(targets, deadline, reset_grace, make, [&] { sockets.go_home(); }).run();
            out.unenterable = sockets.unenterable();
        } catch (const std::exception& e) {
            failure = e.what();
        }
    };
    // A thread of the batch's own: it visits other namespaces, the caller's thread never does.
    try {
        std::thread(work).join();
    } catch (const std::system_error& e) {
        failure = fmt::format("cannot start the prober's thread: {}", e.what());
    }
    if (!failure.empty()) {
        out.outcomes.clear();
        for (const auto& target : targets) out.outcomes.push_back(ProbeOutcome{target, ProbeStatus::error, 0, failure});
    }
    return out;
}

}  // namespace dnd
