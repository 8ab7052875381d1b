// See netlink_dump.hpp.
#include "netlink_dump.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace dnd::netlink {
namespace {

int hand_to_sink(const nlmsghdr* message, void* data) {
    (*static_cast<const MessageSink*>(data))(*message);
    return MNL_CB_OK;
}

// nft's size: a set-element message can exceed 64 KiB (MNL_SOCKET_BUFFER_SIZE is too small).
std::size_t receive_buffer_size() { return 65536 + static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

}  // namespace

MessageSink appending_to(std::vector<std::uint8_t>& out) {
    return [&out](const nlmsghdr& message) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&message);
        out.insert(out.end(), bytes, bytes + message.nlmsg_len);
        out.resize(out.size() + (NLMSG_ALIGN(message.nlmsg_len) - message.nlmsg_len), 0);
    };
}

std::size_t for_each_message(std::span<const std::uint8_t> messages, const MessageSink& sink) {
    int left = static_cast<int>(messages.size());
    for (const auto* m = reinterpret_cast<const nlmsghdr*>(messages.data()); whole_message(m, left);
         m = mnl_nlmsg_next(m, &left))
        sink(*m);
    return static_cast<std::size_t>(left);
}

std::expected<bool, Errno> ReplyReader::feed(std::span<std::uint8_t> datagram) {
    // mnl_cb_run fails with EINTR at the first message flagged NLM_F_DUMP_INTR, before the
    // NLMSG_DONE that may follow in the same datagram; a reply is read to its end instead.
    int left = static_cast<int>(datagram.size());
    for (auto* m = reinterpret_cast<nlmsghdr*>(datagram.data()); whole_message(m, left); m = mnl_nlmsg_next(m, &left)) {
        if ((m->nlmsg_flags & NLM_F_DUMP_INTR) == 0) continue;
        interrupted_ = true;
        m->nlmsg_flags &= static_cast<std::uint16_t>(~NLM_F_DUMP_INTR);
    }
    const int r = mnl_cb_run(datagram.data(), datagram.size(), seq_, portid_, hand_to_sink, &sink_);
    if (r == MNL_CB_ERROR) return std::unexpected(errno);
    return r == MNL_CB_STOP;
}

Socket::Socket(MnlSocketPtr sock)
    : sock_(std::move(sock)), receive_buffer_(receive_buffer_size()), seq_(static_cast<std::uint32_t>(std::time(nullptr))) {}

std::expected<Socket, Errno> Socket::open(int bus) {
    MnlSocketPtr sock(mnl_socket_open2(bus, SOCK_CLOEXEC));
    if (!sock) return std::unexpected(errno);
    if (mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) return std::unexpected(errno);
    return Socket(std::move(sock));
}

std::uint32_t Socket::portid() const { return mnl_socket_get_portid(sock_.get()); }

std::expected<ReplyEnd, Errno> Socket::transact(const nlmsghdr* request, std::vector<std::uint8_t>& out) {
    return transact(request, appending_to(out));
}

std::expected<ReplyEnd, Errno> Socket::transact(const nlmsghdr* request, const MessageSink& sink) {
    if (mnl_socket_sendto(sock_.get(), request, request->nlmsg_len) < 0) return std::unexpected(errno);
    ReplyReader reader(request->nlmsg_seq, portid(), sink);
    for (;;) {
        const ssize_t n = mnl_socket_recvfrom(sock_.get(), receive_buffer_.data(), receive_buffer_.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(errno);
        }
        if (n == 0) return std::unexpected(ENODATA);  // the reply ended without NLMSG_DONE
        auto complete = reader.feed(std::span(receive_buffer_.data(), static_cast<std::size_t>(n)));
        if (!complete) return std::unexpected(complete.error());
        if (*complete) return ReplyEnd{reader.interrupted()};
    }
}

Error netlink_error(const ErrorWording& wording, Errno err, std::string_view what) {
    if ((err == EPERM || err == EACCES) && !wording.permission_denied.empty())
        return Error{std::string(wording.source), std::string(wording.permission_denied)};
    return Error{std::string(wording.source), fmt::format("{}: {}", what, std::strerror(err))};
}

}  // namespace dnd::netlink
