// Listening TCP sockets over NETLINK_SOCK_DIAG (inet_diag, see sock_diag(7)).
#include "docknetdoctor/sock_diag.hpp"
#include "docknetdoctor/unique_fd.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr const char* kSource = "sock_diag";

int address_family(int family) { return family == 6 ? AF_INET6 : AF_INET; }

Error errno_error(const char* what, int error) {
    return Error{kSource, fmt::format("{}: {}", what, std::strerror(error))};
}

}  // namespace

Result<std::vector<std::uint8_t>> dump_tcp_listeners(int family) {
    if (family != 4 && family != 6) return fail(kSource, fmt::format("unknown address family {}", family));
    UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (fd.get() < 0) return std::unexpected(errno_error("cannot open a NETLINK_SOCK_DIAG socket", errno));

    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.header.nlmsg_seq = 1;
    message.request.sdiag_family = static_cast<std::uint8_t>(address_family(family));
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = 1U << TCP_LISTEN;  // only the listening hash is walked
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd.get(), &message, sizeof message, 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0)
        return std::unexpected(errno_error("cannot send the sock_diag request", errno));

    std::vector<std::uint8_t> out;
    std::array<std::uint8_t, 32768> buffer{};
    for (;;) {
        const ssize_t received = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
        if (received < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(errno_error("cannot read the sock_diag answer", errno));
        }
        if (received == 0) return fail(kSource, "the sock_diag answer ended without NLMSG_DONE");
        int left = static_cast<int>(received);
        for (const auto* h = reinterpret_cast<const nlmsghdr*>(buffer.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE) return out;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) return fail(kSource, "truncated NLMSG_ERROR");
                return std::unexpected(errno_error("the kernel refused the sock_diag dump", -e->error));
            }
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(h);
            out.insert(out.end(), bytes, bytes + h->nlmsg_len);
        }
    }
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
