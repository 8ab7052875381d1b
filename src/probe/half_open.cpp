// Half-open TCP probes (half_open.hpp): per namespace, one raw socket per family sends the
// SYNs from one reserved source port and reads the answers, which a socket filter narrows to
// that port. IPv4 SYNs carry their own IP header, so the TCP checksum covers the source
// address the route gives (looked up with a connected datagram socket, as connect() picks
// it); the kernel checksums IPv6 ones itself (IPV6_CHECKSUM).
#include "docknetdoctor/probe/half_open.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <random>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "docknetdoctor/probe/socket_address.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"
#include "netns_sockets.hpp"
#include "socket_budget.hpp"

namespace dnd {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kIpv4HeaderSize = 20;
constexpr std::size_t kTcpHeaderSize = 20;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kRst = 0x04;
constexpr std::uint8_t kAck = 0x10;
// A burst of answers arrives while the SYNs are still going out (loopback and veth answer
// within the send): read them every so many SYNs, into a receive buffer sized for a burst.
constexpr std::size_t kSendsBetweenReads = 32;
constexpr int kReceiveBuffer = 4 << 20;

void put16(std::uint8_t* at, std::uint16_t value) {
    at[0] = static_cast<std::uint8_t>(value >> 8);
    at[1] = static_cast<std::uint8_t>(value);
}
void put32(std::uint8_t* at, std::uint32_t value) {
    put16(at, static_cast<std::uint16_t>(value >> 16));
    put16(at + 2, static_cast<std::uint16_t>(value));
}
std::uint16_t get16(const std::uint8_t* at) { return static_cast<std::uint16_t>((at[0] << 8) | at[1]); }
std::uint32_t get32(const std::uint8_t* at) {
    return (static_cast<std::uint32_t>(get16(at)) << 16) | get16(at + 2);
}

// The internet checksum (RFC 1071) of the IPv4 pseudo-header and a TCP segment.
std::uint16_t tcp_checksum_ipv4(const in_addr& source, const in_addr& destination, const std::uint8_t* segment,
                                std::size_t length) {
    std::uint32_t sum = 0;
    auto add_bytes = [&](const std::uint8_t* bytes, std::size_t n) {
        for (std::size_t i = 0; i + 1 < n; i += 2) sum += get16(bytes + i);
        if (n % 2 != 0) sum += static_cast<std::uint32_t>(bytes[n - 1]) << 8;
    };
    add_bytes(reinterpret_cast<const std::uint8_t*>(&source), 4);
    add_bytes(reinterpret_cast<const std::uint8_t*>(&destination), 4);
    sum += IPPROTO_TCP;
    sum += static_cast<std::uint32_t>(length);
    add_bytes(segment, length);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void write_syn(std::uint8_t* segment, std::uint16_t source_port, std::uint16_t destination_port, std::uint32_t sequence) {
    std::memset(segment, 0, kTcpHeaderSize);
    put16(segment, source_port);
    put16(segment + 2, destination_port);
    put32(segment + 4, sequence);
    segment[12] = (kTcpHeaderSize / 4) << 4;
    segment[13] = kSyn;
    put16(segment + 14, 64240);
}

// Keeps only TCP segments to `port`: IPv4 raw sockets read from the IP header on, IPv6 ones
// from the TCP header.
void attach_port_filter(int fd, bool from_ip_header, std::uint16_t port) {
    std::vector<sock_filter> code;
    if (from_ip_header) {
        code.push_back(BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0));  // x = the IP header's length
        code.push_back(BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2));   // the destination port
    } else {
        code.push_back(BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2));
    }
    code.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1));
    code.push_back(BPF_STMT(BPF_RET | BPF_K, 0xffff));
    code.push_back(BPF_STMT(BPF_RET | BPF_K, 0));
    sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
    // Without the filter the answers are still matched below: it only spares the copies.
    ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
}

void widen_receive_buffer(int fd) {
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) != 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
}

// One namespace's senders: its raw sockets (either may be missing) and the reserved port.
struct Namespace {
    std::string path;
    UniqueFd raw4;  // made on first use (open_raw)
    UniqueFd raw6;
    bool tried4 = false;
    bool tried6 = false;
    UniqueFd reservation;  // bound to the port, so no connection of this host's picks it meanwhile
    std::uint16_t source_port = 0;
    std::map<std::string, std::optional<SocketAddress>> sources;  // by destination address
};

// A bound, unconnected, non-listening socket holds the port without answering on it: a
// SYN-ACK to it finds no socket and this host's kernel resets it, as the probe wants.
bool reserve_port(NetnsSockets& sockets, Namespace& space) {
    for (int family : {AF_INET6, AF_INET}) {
        auto socket = sockets.make(space.path, family, SOCK_STREAM | SOCK_CLOEXEC);
        if (!socket) continue;
        SocketAddress any;
        if (family == AF_INET6) {
            const int both = 0;  // the port is then held for IPv4 too
            ::setsockopt(socket->get(), IPPROTO_IPV6, IPV6_V6ONLY, &both, sizeof both);
            auto& a = reinterpret_cast<sockaddr_in6&>(any.storage);
            a.sin6_family = AF_INET6;
            any.length = sizeof a;
        } else {
            auto& a = reinterpret_cast<sockaddr_in&>(any.storage);
            a.sin_family = AF_INET;
            any.length = sizeof a;
        }
        if (::bind(socket->get(), any.get(), any.length) != 0) continue;
        sockaddr_storage bound{};
        socklen_t length = sizeof bound;
        if (::getsockname(socket->get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) continue;
        space.source_port = family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(bound).sin6_port)
                                               : ntohs(reinterpret_cast<sockaddr_in&>(bound).sin_port);
        space.reservation = std::move(*socket);
        return true;
    }
    return false;
}

// The raw socket of one family in a namespace, made for its first SYN of that family (a
// container's ladder is mostly IPv4 only). Invalid when it cannot be made (no CAP_NET_RAW).
UniqueFd open_raw(NetnsSockets& sockets, const Namespace& space, int family) {
    auto raw = sockets.make(space.path, family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (!raw) return UniqueFd();
    if (family == AF_INET) {
        const int on = 1;
        if (::setsockopt(raw->get(), IPPROTO_IP, IP_HDRINCL, &on, sizeof on) != 0) return UniqueFd();
    } else {
        const int checksum_at = 16;  // the TCP checksum's offset: the kernel fills it in
        if (::setsockopt(raw->get(), IPPROTO_IPV6, IPV6_CHECKSUM, &checksum_at, sizeof checksum_at) != 0)
            return UniqueFd();
    }
    attach_port_filter(raw->get(), family == AF_INET, space.source_port);
    widen_receive_buffer(raw->get());
    return std::move(*raw);
}

// The source address a connection to `destination` would have in this namespace.
std::optional<SocketAddress> source_for(NetnsSockets& sockets, Namespace& space, const std::string& key,
                                        const SocketAddress& destination) {
    if (auto known = space.sources.find(key); known != space.sources.end()) return known->second;
    std::optional<SocketAddress> source;
    if (auto socket = sockets.make(space.path, destination.family(), SOCK_DGRAM | SOCK_CLOEXEC);
        socket && ::connect(socket->get(), destination.get(), destination.length) == 0) {
        SocketAddress found;
        found.length = sizeof found.storage;
        if (::getsockname(socket->get(), reinterpret_cast<sockaddr*>(&found.storage), &found.length) == 0)
            source = found;
    }
    space.sources.emplace(key, source);
    return source;
}

bool send_syn_ipv4(int raw, const SocketAddress& source, const SocketAddress& destination, std::uint16_t source_port,
                   std::uint32_t sequence) {
    const auto& from = reinterpret_cast<const sockaddr_in&>(source.storage);
    const auto& to = reinterpret_cast<const sockaddr_in&>(destination.storage);
    std::array<std::uint8_t, kIpv4HeaderSize + kTcpHeaderSize> packet{};
    packet[0] = 0x45;  // version 4, 5 words; the kernel fills in the length, id and checksum
    packet[6] = 0x40;  // don't fragment
    packet[8] = 64;
    packet[9] = IPPROTO_TCP;
    std::memcpy(&packet[12], &from.sin_addr, 4);
    std::memcpy(&packet[16], &to.sin_addr, 4);
    std::uint8_t* segment = packet.data() + kIpv4HeaderSize;
    write_syn(segment, source_port, ntohs(to.sin_port), sequence);
    put16(segment + 16, tcp_checksum_ipv4(from.sin_addr, to.sin_addr, segment, kTcpHeaderSize));
    sockaddr_in target = to;
    target.sin_port = 0;
    return ::sendto(raw, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&target), sizeof target) ==
           static_cast<ssize_t>(packet.size());
}

bool send_syn_ipv6(int raw, const SocketAddress& source, const SocketAddress& destination, std::uint16_t source_port,
                   std::uint32_t sequence) {
    const auto& from = reinterpret_cast<const sockaddr_in6&>(source.storage);
    sockaddr_in6 target = reinterpret_cast<const sockaddr_in6&>(destination.storage);
    std::array<std::uint8_t, kTcpHeaderSize> segment{};
    write_syn(segment.data(), source_port, ntohs(target.sin6_port), sequence);
    target.sin6_port = 0;
    // The source address goes with the SYN: the checksum the kernel computes covers it.
    in6_pktinfo info{};
    info.ipi6_addr = from.sin6_addr;
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in6_pktinfo))> control{};
    iovec data{segment.data(), segment.size()};
    msghdr message{};
    message.msg_name = &target;
    message.msg_namelen = sizeof target;
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = IPPROTO_IPV6;
    header->cmsg_type = IPV6_PKTINFO;
    header->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(header), &info, sizeof info);
    return ::sendmsg(raw, &message, 0) == static_cast<ssize_t>(segment.size());
}

std::string address_bytes(const SocketAddress& address) {
    if (address.family() == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6&>(address.storage).sin6_addr;
        return std::string(reinterpret_cast<const char*>(&a), sizeof a);
    }
    const auto& a = reinterpret_cast<const sockaddr_in&>(address.storage).sin_addr;
    return std::string(reinterpret_cast<const char*>(&a), sizeof a);
}

// A SYN on its way: which targets its answer is for (a target listed twice from one
// namespace is one SYN), and the acknowledgement number that answer carries.
struct Sent {
    std::vector<std::size_t> targets;
    std::uint32_t sequence;
    Clock::time_point at;
};
// Who answers: namespace, the destination's address bytes and port.
using Peer = std::tuple<std::size_t, std::string, std::uint16_t>;

class HalfOpenRun {
public:
    HalfOpenRun(std::span<const ProbeTarget> targets, std::span<const std::string> netns_paths,
                std::vector<std::optional<ProbeOutcome>>& answers)
        : targets_(targets), netns_paths_(netns_paths), answers_(answers), budget_(probe_socket_budget()),
          sequences_(std::random_device{}()) {}

    void run(std::chrono::milliseconds window) {
        NetnsSockets sockets;
        std::vector<std::size_t> sent_from;  // the namespaces sent from since the last read
        std::size_t sends = 0;
        for (std::size_t i = 0; i < targets_.size(); ++i) {
            const auto space = send(sockets, i);
            if (!space) continue;
            if (std::find(sent_from.begin(), sent_from.end(), *space) == sent_from.end()) sent_from.push_back(*space);
            if (++sends % kSendsBetweenReads == 0) {
                for (std::size_t s : sent_from) read_answers(s);
                sent_from.clear();
            }
        }
        sockets.go_home();
        std::vector<pollfd> fds;
        std::vector<std::size_t> space_of_fd;
        for (std::size_t s = 0; s < spaces_.size(); ++s)
            for (const UniqueFd* raw : {&spaces_[s].raw4, &spaces_[s].raw6})
                if (raw->valid()) {
                    fds.push_back({raw->get(), POLLIN, 0});
                    space_of_fd.push_back(s);
                }
        const auto until = Clock::now() + window;
        while (!waiting_.empty()) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
            if (left <= 0) break;
            const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left));
            if (ready < 0 && errno != EINTR) break;
            for (std::size_t f = 0; ready > 0 && f < fds.size(); ++f)
                if ((fds[f].revents & POLLIN) != 0) read_answers(space_of_fd[f]);
        }
    }

private:
    // The namespace at path, its port reserved on first use; nullptr when it cannot be used.
    // Its descriptors count against the budget: the reservation, a raw socket and a
    // datagram socket for a moment (source_for).
    Namespace* space_of(NetnsSockets& sockets, const std::string& path) {
        if (auto known = index_of_.find(path); known != index_of_.end())
            return known->second ? &spaces_[*known->second] : nullptr;
        std::optional<std::size_t> index;
        if (open_ + 3 <= budget_) {
            Namespace space;
            space.path = path;
            if (reserve_port(sockets, space)) {
                ++open_;
                index = spaces_.size();
                spaces_.push_back(std::move(space));
            }
        }
        index_of_.emplace(path, index);
        return index ? &spaces_[*index] : nullptr;
    }

    // The namespace's raw socket for family, made on first use while the budget allows and
    // this process may make one at all.
    const UniqueFd& raw_for(NetnsSockets& sockets, Namespace& space, int family) {
        const bool v6 = family == AF_INET6;
        UniqueFd& raw = v6 ? space.raw6 : space.raw4;
        bool& tried = v6 ? space.tried6 : space.tried4;
        bool& refused = v6 ? raw6_refused_ : raw4_refused_;
        if (tried || refused || open_ + 2 > budget_) return raw;
        tried = true;
        raw = open_raw(sockets, space, family);
        if (raw.valid()) ++open_;
        else refused = true;  // no CAP_NET_RAW: no other namespace will give one either
        return raw;
    }

    // Sends target i's SYN; the index of the namespace it left from, or nullopt when it
    // cannot go half-open.
    std::optional<std::size_t> send(NetnsSockets& sockets, std::size_t i) {
        const ProbeTarget& target = targets_[i];
        if (target.proto != Proto::tcp) return std::nullopt;
        const auto destination = numeric_address(target.address, target.port);
        if (!destination) return std::nullopt;
        const bool v6 = destination->family() == AF_INET6;
        if (v6 ? raw6_refused_ : raw4_refused_) return std::nullopt;
        const std::string path = i < netns_paths_.size() ? netns_paths_[i] : std::string{};
        Namespace* space = space_of(sockets, path);
        if (space == nullptr) return std::nullopt;
        const UniqueFd& raw = raw_for(sockets, *space, destination->family());
        if (!raw.valid()) return std::nullopt;
        const std::string bytes = address_bytes(*destination);
        const auto space_index = static_cast<std::size_t>(space - spaces_.data());
        const Peer peer{space_index, bytes, target.port};
        if (auto same = waiting_.find(peer); same != waiting_.end()) {
            same->second.targets.push_back(i);
            return space_index;
        }
        if (auto answered = settled_.find(peer); answered != settled_.end()) {
            answer(i, *answers_[answered->second]);
            return std::nullopt;
        }
        const auto source = source_for(sockets, *space, bytes, *destination);
        if (!source || source->family() != destination->family()) return std::nullopt;
        const std::uint32_t sequence = sequences_();
        const auto at = Clock::now();
        const bool sent = v6 ? send_syn_ipv6(raw.get(), *source, *destination, space->source_port, sequence)
                             : send_syn_ipv4(raw.get(), *source, *destination, space->source_port, sequence);
        if (!sent) return std::nullopt;
        waiting_.emplace(peer, Sent{{i}, sequence, at});
        return space_index;
    }

    // Everything namespace s's raw sockets hold.
    void read_answers(std::size_t s) {
        std::array<std::uint8_t, 2048> buffer{};
        for (const UniqueFd* raw : {&spaces_[s].raw4, &spaces_[s].raw6}) {
            if (!raw->valid()) continue;
            const bool v6 = raw == &spaces_[s].raw6;
            for (;;) {
                sockaddr_in6 from{};
                socklen_t length = sizeof from;
                const ssize_t n = ::recvfrom(raw->get(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                                             reinterpret_cast<sockaddr*>(&from), &length);
                if (n <= 0) break;
                take(s, v6, buffer.data(), static_cast<std::size_t>(n), from);
            }
        }
    }

    // One segment read from namespace s: the answer to one of its SYNs, or not ours.
    void take(std::size_t s, bool v6, const std::uint8_t* data, std::size_t size, const sockaddr_in6& from) {
        std::string peer;
        const std::uint8_t* segment = data;
        if (v6) {
            peer.assign(reinterpret_cast<const char*>(&from.sin6_addr), sizeof from.sin6_addr);
        } else {
            if (size < kIpv4HeaderSize) return;
            const std::size_t header = static_cast<std::size_t>(data[0] & 0x0f) * 4;
            if (data[9] != IPPROTO_TCP || header < kIpv4HeaderSize || size < header) return;
            peer.assign(reinterpret_cast<const char*>(data + 12), 4);
            segment = data + header;
            size -= header;
        }
        if (size < kTcpHeaderSize || get16(segment + 2) != spaces_[s].source_port) return;
        const auto sent = waiting_.find(Peer{s, peer, get16(segment)});
        if (sent == waiting_.end() || get32(segment + 8) != sent->second.sequence + 1) return;
        const std::uint8_t flags = segment[13];
        const bool syn_ack = (flags & (kSyn | kAck)) == (kSyn | kAck);
        const bool reset = (flags & kRst) != 0 && (flags & kAck) != 0;
        if (!syn_ack && !reset) return;
        ProbeOutcome outcome;
        outcome.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent->second.at).count();
        outcome.outcome = syn_ack ? ProbeStatus::open : ProbeStatus::refused;
        outcome.detail = syn_ack ? "connected (half-open: the SYN-ACK came back; this host reset it before the app saw it)"
                                 : "connection refused";
        for (std::size_t target : sent->second.targets) answer(target, outcome);
        settled_.emplace(sent->first, sent->second.targets.front());
        waiting_.erase(sent);
    }

    void answer(std::size_t target, ProbeOutcome outcome) {
        outcome.target = targets_[target];
        answers_[target] = std::move(outcome);
    }

    std::span<const ProbeTarget> targets_;
    std::span<const std::string> netns_paths_;
    std::vector<std::optional<ProbeOutcome>>& answers_;
    std::size_t budget_;
    std::mt19937 sequences_;
    std::vector<Namespace> spaces_;
    std::map<std::string, std::optional<std::size_t>> index_of_;
    std::map<Peer, Sent> waiting_;
    std::map<Peer, std::size_t> settled_;  // answered: the target whose answer it was
    std::size_t open_ = 0;  // descriptors held: reservations and raw sockets
    bool raw4_refused_ = false;
    bool raw6_refused_ = false;
};

}  // namespace

std::vector<std::optional<ProbeOutcome>> probe_half_open(std::span<const ProbeTarget> targets,
                                                         std::span<const std::string> netns_paths,
                                                         std::chrono::milliseconds window) {
    std::vector<std::optional<ProbeOutcome>> answers(targets.size());
    // A thread of its own: it visits the targets' namespaces, the caller's thread never does.
    // What goes wrong leaves the targets unanswered: a full connect probes them instead.
    try {
        std::thread([&] {
            try {
                HalfOpenRun(targets, netns_paths, answers).run(window);
            } catch (const std::exception&) {
            }
        }).join();
    } catch (const std::system_error&) {
    }
    return answers;
}

}  // namespace dnd
