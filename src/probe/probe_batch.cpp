// The probe engine: every target's socket is opened at once and one poll() loop drives
// them all under a single deadline, so N silent ports cost one timeout, not N.
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/probe/probe.hpp"

namespace dnd {
namespace {

using Clock = std::chrono::steady_clock;

// A datagram with a recognizable text, should it show up in a service's log.
constexpr std::string_view kUdpPayload = "docknetdoctor probe\n";


struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Numeric addresses only: a probe must not depend on (or wait for) name resolution.
std::optional<SocketAddress> numeric_address(std::string_view text, std::uint16_t port) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string host(text);
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) return std::nullopt;
    SocketAddress address;
    std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
    address.length = found->ai_addrlen;
    ::freeaddrinfo(found);
    return address;
}

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
    Clock::time_point started;
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

void start(Probe& probe, Clock::time_point deadline_at) {
    const ProbeTarget& target = probe.result.target;
    probe.started = Clock::now();
    auto address = numeric_address(target.address, target.port);
    if (!address) {
        probe.finish(ProbeStatus::error, fmt::format("not a numeric IP address: {}", target.address));
        return;
    }
    const bool tcp = target.proto == Proto::tcp;
    probe.socket = UniqueFd(::socket(address->family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (probe.socket.get() < 0) {
        probe.finish(ProbeStatus::error, fmt::format("socket: {}", std::strerror(errno)));
        return;
    }
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

int poll_timeout_ms(const std::vector<Probe>& probes, Clock::time_point now, Clock::time_point deadline_at) {
    Clock::time_point wake = deadline_at;
    for (const Probe& probe : probes)
        if (probe.phase == Phase::grace) wake = std::min(wake, probe.grace_until);
    if (wake <= now) return 0;
    // Round up: waking a little late is harmless, spinning on a 0 ms timeout is not.
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wake - now).count());
}

}  // namespace

std::vector<ProbeOutcome> probe_batch(std::span<const ProbeTarget> targets, std::chrono::milliseconds deadline,
                                      std::chrono::milliseconds reset_grace) {
    const Clock::time_point batch_start = Clock::now();
    const Clock::time_point deadline_at = batch_start + deadline;
    std::vector<Probe> probes(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) {
        probes[i].result.target = targets[i];
        probes[i].reset_grace = reset_grace;
        start(probes[i], deadline_at);
    }

    std::vector<pollfd> watched;
    std::vector<std::size_t> owner;  // watched[k] belongs to probes[owner[k]]
    for (;;) {
        Clock::time_point now = Clock::now();
        for (Probe& probe : probes)
            if (probe.phase == Phase::grace && probe.grace_until <= now)
                probe.finish(ProbeStatus::open, "connected, no reset during the grace period");
        if (now >= deadline_at) break;

        watched.clear();
        owner.clear();
        for (std::size_t i = 0; i < probes.size(); ++i) {
            const Phase phase = probes[i].phase;
            if (phase == Phase::done) continue;
            const short events = phase == Phase::connecting ? POLLOUT : POLLIN;
            watched.push_back(pollfd{probes[i].socket.get(), events, 0});
            owner.push_back(i);
        }
        if (watched.empty()) break;

        const int ready = ::poll(watched.data(), watched.size(), poll_timeout_ms(probes, now, deadline_at));
        if (ready < 0 && errno != EINTR) {
            const std::string why = fmt::format("poll: {}", std::strerror(errno));
            for (Probe& probe : probes)
                if (probe.phase != Phase::done) probe.finish_at(Clock::now(), ProbeStatus::error, why);
            break;
        }
        if (ready <= 0) continue;
        now = Clock::now();
        for (std::size_t k = 0; k < watched.size(); ++k) {
            if (watched[k].revents == 0) continue;
            Probe& probe = probes[owner[k]];
            switch (probe.phase) {
                case Phase::connecting: on_connect_ready(probe, now, deadline_at); break;
                case Phase::grace: on_grace_event(probe, now); break;
                case Phase::awaiting: on_udp_event(probe, watched[k].revents, now); break;
                case Phase::done: break;
            }
        }
    }

    // The deadline decides whatever is still pending.
    const double waited_ms = milliseconds_between(batch_start, Clock::now());
    const std::string silence = fmt::format("no answer within {} ms", deadline.count());
    std::vector<ProbeOutcome> outcomes;
    outcomes.reserve(probes.size());
    for (Probe& probe : probes) {
        switch (probe.phase) {
            case Phase::connecting:
                probe.result.latency_ms = waited_ms;
                probe.finish(ProbeStatus::timeout, silence);
                break;
            case Phase::grace:
                probe.finish(ProbeStatus::open, "connected; the deadline ended the wait for a reset");
                break;
            case Phase::awaiting:
                probe.result.latency_ms = waited_ms;
                probe.finish(ProbeStatus::open_filtered, fmt::format("no reply and no ICMP error within {} ms",
                                                                     deadline.count()));
                break;
            case Phase::done: break;
        }
        outcomes.push_back(std::move(probe.result));
    }
    return outcomes;
}

}  // namespace dnd
