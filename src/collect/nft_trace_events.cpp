// nftables' trace events: received on NFNLGRP_NFTRACE, decoded with libnftnl.
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/trace.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <span>

#include <fmt/format.h>

#include "docknetdoctor/collect/nft_trace.hpp"
#include "docknetdoctor/model/ruleset.hpp"
#include "kernel_names.hpp"
#include "packet_headers.hpp"

namespace dnd {
namespace {

struct TraceFree {
    void operator()(nftnl_trace* t) const noexcept { nftnl_trace_free(t); }
};

std::string interface_of(const nftnl_trace* t, std::uint16_t attr) {
    return nftnl_trace_is_set(t, attr) ? interface_name(nftnl_trace_get_u32(t, attr)) : std::string();
}

std::string verdict_of(const nftnl_trace* t) {
    if (!nftnl_trace_is_set(t, NFTNL_TRACE_VERDICT)) return "";
    const auto code = static_cast<std::int32_t>(nftnl_trace_get_u32(t, NFTNL_TRACE_VERDICT));
    const char* target = nftnl_trace_is_set(t, NFTNL_TRACE_JUMP_TARGET) ? nftnl_trace_get_str(t, NFTNL_TRACE_JUMP_TARGET) : "?";
    switch (code) {
        case NFT_CONTINUE: return "continue";
        case NFT_BREAK: return "continue";
        case NFT_JUMP: return fmt::format("jump {}", target);
        case NFT_GOTO: return fmt::format("goto {}", target);
        case NFT_RETURN: return "return";
        default: break;
    }
    switch (code & NF_VERDICT_MASK) {
        case NF_ACCEPT: return "accept";
        case NF_DROP: return "drop";
        case NF_QUEUE: return "queue";
        case NF_STOLEN: return "stolen";
        default: return fmt::format("verdict {}", code);
    }
}

// Addresses, protocol and ports from the headers the kernel copied into the event.
Packet packet_of(const nftnl_trace* t) {
    const auto nfproto = nftnl_trace_is_set(t, NFTNL_TRACE_NFPROTO) ? nftnl_trace_get_u32(t, NFTNL_TRACE_NFPROTO) : 0;
    const int family = nfproto == NFPROTO_IPV6 ? 6 : 4;
    std::span<const std::uint8_t> network, transport;
    std::uint32_t len = 0;
    if (nfproto == NFPROTO_IPV4 || nfproto == NFPROTO_IPV6) {
        if (nftnl_trace_is_set(t, NFTNL_TRACE_NETWORK_HEADER))
            network = {static_cast<const std::uint8_t*>(nftnl_trace_get_data(t, NFTNL_TRACE_NETWORK_HEADER, &len)), len};
        if (nftnl_trace_is_set(t, NFTNL_TRACE_TRANSPORT_HEADER))
            transport = {static_cast<const std::uint8_t*>(nftnl_trace_get_data(t, NFTNL_TRACE_TRANSPORT_HEADER, &len)), len};
    }
    if (network.empty()) return Packet{};
    return packet_from_headers(family, network, transport);
}

std::optional<TraceEvent> decode(const nlmsghdr* nlh) {
    if ((nlh->nlmsg_type & 0xff) != NFT_MSG_TRACE || (nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES) return std::nullopt;
    std::unique_ptr<nftnl_trace, TraceFree> t(nftnl_trace_alloc());
    if (!t || nftnl_trace_nlmsg_parse(nlh, t.get()) < 0) return std::nullopt;
    TraceEvent e;
    e.id = nftnl_trace_get_u32(t.get(), NFTNL_TRACE_ID);
    e.family = std::string(nf::to_string(nf::family_from_nfproto(nftnl_trace_get_u32(t.get(), NFTNL_TRACE_FAMILY))));
    if (nftnl_trace_is_set(t.get(), NFTNL_TRACE_TABLE)) e.table = nftnl_trace_get_str(t.get(), NFTNL_TRACE_TABLE);
    if (nftnl_trace_is_set(t.get(), NFTNL_TRACE_CHAIN)) e.chain = nftnl_trace_get_str(t.get(), NFTNL_TRACE_CHAIN);
    switch (nftnl_trace_get_u32(t.get(), NFTNL_TRACE_TYPE)) {
        case NFT_TRACETYPE_POLICY:
            e.kind = TraceEvent::Kind::policy;
            e.verdict = nftnl_trace_get_u32(t.get(), NFTNL_TRACE_POLICY) == NF_DROP ? "drop" : "accept";
            break;
        case NFT_TRACETYPE_RETURN: e.kind = TraceEvent::Kind::chain_end; break;
        default: e.kind = TraceEvent::Kind::rule; break;
    }
    if (nftnl_trace_is_set(t.get(), NFTNL_TRACE_RULE_HANDLE)) e.rule_handle = nftnl_trace_get_u64(t.get(), NFTNL_TRACE_RULE_HANDLE);
    if (e.kind != TraceEvent::Kind::policy) e.verdict = verdict_of(t.get());
    e.iif = interface_of(t.get(), NFTNL_TRACE_IIF);
    e.oif = interface_of(t.get(), NFTNL_TRACE_OIF);
    e.packet = packet_of(t.get());
    return e;
}

}  // namespace

Result<TraceListener> TraceListener::open(int receive_buffer) {
    std::unique_ptr<mnl_socket, MnlSocketClose> sock(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!sock || mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0)
        return fail("trace", fmt::format("cannot open a netfilter netlink socket: {}", std::strerror(errno)));
    const int fd = mnl_socket_get_fd(sock.get());
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof receive_buffer) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);  // capped by rmem_max
    int group = NFNLGRP_NFTRACE;
    if (mnl_socket_setsockopt(sock.get(), NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
        const int err = errno;
        return fail("trace", fmt::format("cannot receive trace events: {}",
                                         err == EPERM ? std::string(kTraceNeedsNetAdmin) : std::string(std::strerror(err))));
    }
    TraceListener out(std::move(sock));
    out.buffer_.resize(1 << 16);
    return out;
}

Result<void> TraceListener::receive(std::chrono::milliseconds wait, std::vector<TraceEvent>& out, int wake_fd) {
    const int fd = mnl_socket_get_fd(sock_.get());
    pollfd p[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    const int ready = poll(p, wake_fd >= 0 ? 2 : 1, static_cast<int>(wait.count()));
    if (ready < 0) return errno == EINTR ? Result<void>{} : fail("trace", fmt::format("poll: {}", std::strerror(errno)));
    while (true) {
        const ssize_t n = recv(fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return {};
            if (errno == ENOBUFS)
                return fail("trace", "the kernel dropped trace events: they came faster than they were read "
                                     "(its receive buffer overflowed); what was traced is incomplete");
            return fail("trace", fmt::format("receiving trace events: {}", std::strerror(errno)));
        }
        int left = static_cast<int>(n);
        for (auto* nlh = reinterpret_cast<nlmsghdr*>(buffer_.data()); NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left))
            if (auto e = decode(nlh)) out.push_back(std::move(*e));
    }
}

}  // namespace dnd
