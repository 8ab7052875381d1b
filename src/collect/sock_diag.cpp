// TCP sockets over NETLINK_SOCK_DIAG (inet_diag, see sock_diag(7)).
#include "docknetdoctor/collect/sock_diag.hpp"
#include "netlink_dump.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cstring>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr const char* kSource = "sock_diag";

int address_family(int family) { return family == 6 ? AF_INET6 : AF_INET; }

constexpr netlink::ErrorWording kWording{kSource, ""};

}  // namespace

Result<std::vector<std::uint8_t>> dump_tcp_sockets(int family, std::uint32_t states) {
    if (family != 4 && family != 6) return fail(kSource, fmt::format("unknown address family {}", family));
    auto sock = netlink::Socket::open(NETLINK_SOCK_DIAG);
    if (!sock) return std::unexpected(netlink::netlink_error(kWording, sock.error(), "cannot open a NETLINK_SOCK_DIAG socket"));

    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.header.nlmsg_seq = sock->next_seq();
    message.request.sdiag_family = static_cast<std::uint8_t>(address_family(family));
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = states;  // LISTEN alone: only the listening hash is walked
    std::vector<std::uint8_t> out;
    auto end = sock->transact(&message.header, out);
    if (!end) return std::unexpected(netlink::netlink_error(kWording, end.error(), "the sock_diag dump failed"));
    // A socket missed is a listener called closed or a client not seen: the caller falls back.
    if (end->interrupted) return fail(kSource, "the kernel interrupted the sock_diag dump");
    return out;
}

Result<std::vector<std::uint8_t>> dump_tcp_listeners(int family) { return dump_tcp_sockets(family, 1U << TCP_LISTEN); }

namespace {

std::optional<std::string> address_text(const inet_diag_msg& msg, const std::uint32_t* address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (::inet_ntop(msg.idiag_family, address, text, sizeof text) == nullptr) return std::nullopt;
    return std::string(text);
}

// Calls visit(msg) for each socket of family in the messages; an error for a message cut short.
template <class Visit>
Result<void> for_each_socket(std::span<const std::uint8_t> messages, int family, Visit visit) {
    if (family != 4 && family != 6) return fail(kSource, fmt::format("unknown address family {}", family));
    int left = static_cast<int>(messages.size());
    const auto* h = reinterpret_cast<const nlmsghdr*>(messages.data());
    for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
            return fail(kSource, "truncated inet_diag message");
        inet_diag_msg msg{};
        std::memcpy(&msg, NLMSG_DATA(h), sizeof msg);
        if (msg.idiag_family != address_family(family)) continue;
        if (auto r = visit(msg); !r) return r;
    }
    if (left != 0) return fail(kSource, fmt::format("truncated netlink message ({} bytes left over)", left));
    return {};
}

}  // namespace

Result<std::vector<Listener>> parse_tcp_listeners_dump(std::span<const std::uint8_t> messages, int family) {
    std::vector<Listener> out;
    auto walked = for_each_socket(messages, family, [&](const inet_diag_msg& msg) -> Result<void> {
        if (msg.idiag_state != TCP_LISTEN) return {};
        Listener l;
        l.proto = Proto::tcp;
        l.family = family;
        l.port = ntohs(msg.id.idiag_sport);
        l.inode = msg.idiag_inode;
        auto address = address_text(msg, msg.id.idiag_src);
        if (!address) return fail(kSource, "bad address in inet_diag message");
        l.address = std::move(*address);
        out.push_back(std::move(l));
        return {};
    });
    if (!walked) return std::unexpected(walked.error());
    return out;
}

Result<std::vector<TcpConnection>> parse_tcp_connections_dump(std::span<const std::uint8_t> messages, int family) {
    std::vector<TcpConnection> out;
    auto walked = for_each_socket(messages, family, [&](const inet_diag_msg& msg) -> Result<void> {
        if (msg.idiag_state == TCP_LISTEN) return {};
        TcpConnection c;
        c.family = family;
        c.local_port = ntohs(msg.id.idiag_sport);
        c.remote_port = ntohs(msg.id.idiag_dport);
        c.inode = msg.idiag_inode;
        auto local = address_text(msg, msg.id.idiag_src);
        auto remote = address_text(msg, msg.id.idiag_dst);
        if (!local || !remote) return fail(kSource, "bad address in inet_diag message");
        c.local = std::move(*local);
        c.remote = std::move(*remote);
        out.push_back(std::move(c));
        return {};
    });
    if (!walked) return std::unexpected(walked.error());
    return out;
}

}  // namespace dnd
