#pragma once
// The collectors' one way to ask the kernel over netlink (rtnetlink, nftables, sock_diag):
// the owner of a libmnl socket and the loop that reads one request's reply to its end.
// Private to src/collect: only collectors talk to the kernel (libmnl is linked there only).
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"

namespace dnd::netlink {

struct MnlSocketCloser {
    void operator()(mnl_socket* s) const noexcept {
        if (s != nullptr) mnl_socket_close(s);
    }
};
// The one owner of a libmnl socket: closes it exactly once.
using MnlSocketPtr = std::unique_ptr<mnl_socket, MnlSocketCloser>;

// Whether a whole message starts at nlh within the len bytes left: the loop condition for
// walking messages (with mnl_nlmsg_next). Not mnl_nlmsg_ok: it compares nlmsg_len as an int,
// so a length over 2 GiB passes and mnl_nlmsg_next then jumps 4 GiB past the buffer.
inline bool whole_message(const nlmsghdr* nlh, int len) { return NLMSG_OK(nlh, len); }

// An errno value: the kernel's answer (NLMSG_ERROR) or the socket's.
using Errno = int;

// How a reply ended.
struct ReplyEnd {
    // The kernel flagged the dump inconsistent (NLM_F_DUMP_INTR: what it dumped changed
    // meanwhile). The reply was still read to its end, so the next request starts clean.
    bool interrupted = false;
};

// Where a reply's answer messages go, one by one, while the datagram holding them is read:
// a parser that keeps what it needs, or appending_to() a buffer. The message is valid only
// during the call.
using MessageSink = std::function<void(const nlmsghdr&)>;

// A sink that appends each message to `out`, padded to the netlink alignment, so that the
// concatenation walks with mnl_nlmsg_next like a received datagram.
MessageSink appending_to(std::vector<std::uint8_t>& out);

// Hands each whole message of `messages` (a concatenation as appending_to() makes it) to
// `sink`; the bytes left over that do not hold a whole message.
std::size_t for_each_message(std::span<const std::uint8_t> messages, const MessageSink& sink);

// Whether a datagram holds a message that ends a reply: NLMSG_DONE, or NLMSG_ERROR (an ACK or
// the kernel's error). What follows it is another reply's.
bool ends_reply(std::span<const std::uint8_t> datagram);

// The reply to one request, fed datagram by datagram (what a socket receives): messages of
// another request (sequence number) or socket (port id) are errors, not skipped.
class ReplyReader {
public:
    ReplyReader(std::uint32_t seq, std::uint32_t portid, MessageSink sink)
        : seq_(seq), portid_(portid), sink_(std::move(sink)) {}
    ReplyReader(std::uint32_t seq, std::uint32_t portid, std::vector<std::uint8_t>& out)
        : ReplyReader(seq, portid, appending_to(out)) {}

    // Hands the datagram's answer messages (type >= NLMSG_MIN_TYPE) to the sink. True once
    // the reply is complete (NLMSG_DONE, or the ACK of a request without a dump); the errno
    // value of a kernel error or a stray message. The datagram is writable: the interrupt
    // flag is taken off before libmnl reads it.
    std::expected<bool, Errno> feed(std::span<std::uint8_t> datagram);

    bool interrupted() const { return interrupted_; }

private:
    std::uint32_t seq_;
    std::uint32_t portid_;
    MessageSink sink_;
    bool interrupted_ = false;
};

// A bound netlink socket (MNL_SOCKET_AUTOPID) with its receive buffer.
class Socket {
public:
    // bus: NETLINK_ROUTE, NETLINK_NETFILTER, NETLINK_SOCK_DIAG ...
    static std::expected<Socket, Errno> open(int bus);

    // Sends `request` (its nlmsg_seq set from next_seq()) and hands the reply's messages to
    // `sink` until NLMSG_DONE or the ACK, retrying a receive a signal interrupted.
    std::expected<ReplyEnd, Errno> transact(const nlmsghdr* request, const MessageSink& sink);
    // The same, appending the messages to `out` (appending_to).
    std::expected<ReplyEnd, Errno> transact(const nlmsghdr* request, std::vector<std::uint8_t>& out);
    // The same, with the sink run on a thread of its own while the next datagrams are
    // received: in a large dump the kernel's work (done inside each receive) and the sink's
    // parse then run side by side. Without a thread to spare, transact() as above.
    std::expected<ReplyEnd, Errno> transact_overlapped(const nlmsghdr* request, const MessageSink& sink);

    std::uint32_t next_seq() { return ++seq_; }
    std::uint32_t portid() const;

private:
    explicit Socket(MnlSocketPtr sock);
    // The rest of a requested reply, received and fed on this thread.
    std::expected<ReplyEnd, Errno> receive_reply(ReplyReader& reader);

    MnlSocketPtr sock_;
    std::vector<std::uint8_t> receive_buffer_;
    std::uint32_t seq_;
};

// How a collector reports a failed request: its Error source, and its text for a refused
// permission (EPERM/EACCES; empty: worded like any other error).
struct ErrorWording {
    std::string_view source;
    std::string_view permission_denied;
};

// "what: strerror(err)", or the permission text.
Error netlink_error(const ErrorWording& wording, Errno err, std::string_view what);

}  // namespace dnd::netlink
