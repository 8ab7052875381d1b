// Listening TCP sockets over NETLINK_SOCK_DIAG (inet_diag, see sock_diag(7)).
#include "docknetdoctor/collect/sock_diag.hpp"
#include "netlink_dump.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cstring>

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr const char* kSource = "sock_diag";

int address_family(int family) { return family == 6 ? AF_INET6 : AF_INET; }

constexpr netlink::ErrorWording kWording{kSource, ""};

}  // namespace

Result<std::vector<std::uint8_t>> dump_tcp_listeners(int family) {
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
    message.request.idiag_states = 1U << TCP_LISTEN;  // only the listening hash is walked
    std::vector<std::uint8_t> out;
    auto end = sock->transact(&message.header, out);
    if (!end) return std::unexpected(netlink::netlink_error(kWording, end.error(), "the sock_diag dump failed"));
    // A listener missed is a port called closed that is not: the caller reads the files then.
    if (end->interrupted) return fail(kSource, "the kernel interrupted the sock_diag dump");
    return out;
}

Result<std::vector<Listener>> parse_tcp_listeners_dump(std::span<const std::uint8_t> messages, int family) {
    if (family != 4 && family != 6) return fail(kSource, fmt::format("unknown address family {}", family));
    std::vector<Listener> out;
    int left = static_cast<int>(messages.size());
    const auto* h = reinterpret_cast<const nlmsghdr*>(messages.data());
    for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
            return fail(kSource, "truncated inet_diag message");
        inet_diag_msg msg{};
        std::memcpy(&msg, NLMSG_DATA(h), sizeof msg);
        if (msg.idiag_family != address_family(family) || msg.idiag_state != TCP_LISTEN) continue;
        Listener l;
        l.proto = Proto::tcp;
        l.family = family;
        l.port = ntohs(msg.id.idiag_sport);
        l.inode = msg.idiag_inode;
        char text[INET6_ADDRSTRLEN] = {};
        if (::inet_ntop(msg.idiag_family, msg.id.idiag_src, text, sizeof text) == nullptr)
            return fail(kSource, "bad address in inet_diag message");
        l.address = text;
        out.push_back(std::move(l));
    }
    if (left != 0) return fail(kSource, fmt::format("truncated netlink message ({} bytes left over)", left));
    return out;
}

}  // namespace dnd
