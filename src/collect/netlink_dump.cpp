// See netlink_dump.hpp.
#include "netlink_dump.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include <fmt/format.h>

namespace dnd::netlink {
namespace {

int hand_to_sink(const nlmsghdr* message, void* data) {
    (*static_cast<const MessageSink*>(data))(*message);
    return MNL_CB_OK;
}

// nft's size: a set-element message can exceed 64 KiB (MNL_SOCKET_BUFFER_SIZE is too small).
std::size_t receive_buffer_size() { return 65536 + static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// Received datagrams on their way from the receiving thread to the feeding one, in a few
// buffers that go round: the receiver waits for a free one, the feeder for a full one.
class DatagramPipe {
public:
    struct Datagram {
        std::vector<std::uint8_t>* buffer = nullptr;
        std::size_t size = 0;
    };

    explicit DatagramPipe(std::size_t buffer_size) : buffer_size_(buffer_size) {}

    // A buffer to receive into (made when none is free, up to the few there are); nullptr
    // once the feeder gave up.
    std::vector<std::uint8_t>* take_free() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return abandoned_ || !free_.empty() || made_ < buffers_.size(); });
        if (abandoned_) return nullptr;
        if (free_.empty()) {
            buffers_[made_].resize(buffer_size_);
            return &buffers_[made_++];
        }
        auto* b = free_.back();
        free_.pop_back();
        return b;
    }
    void give_back(std::vector<std::uint8_t>* buffer) {
        std::lock_guard lock(mutex_);
        free_.push_back(buffer);
        changed_.notify_all();
    }
    void push(Datagram d) {
        std::lock_guard lock(mutex_);
        full_.push_back(d);
        changed_.notify_all();
    }
    // The next datagram; nullopt once the receiver finished and all were taken.
    std::optional<Datagram> pop() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return finished_ || !full_.empty(); });
        if (full_.empty()) return std::nullopt;
        const Datagram d = full_.front();
        full_.pop_front();
        return d;
    }
    void finish() {
        std::lock_guard lock(mutex_);
        finished_ = true;
        changed_.notify_all();
    }
    void abandon() {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        changed_.notify_all();
    }

private:
    std::size_t buffer_size_;
    std::array<std::vector<std::uint8_t>, 8> buffers_;
    std::size_t made_ = 0;  // buffers_ given out at least once
    std::vector<std::vector<std::uint8_t>*> free_;
    std::deque<Datagram> full_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool finished_ = false;
    bool abandoned_ = false;
};

}  // namespace

bool ends_reply(std::span<const std::uint8_t> datagram) {
    int left = static_cast<int>(datagram.size());
    for (const auto* m = reinterpret_cast<const nlmsghdr*>(datagram.data()); whole_message(m, left);
         m = mnl_nlmsg_next(m, &left))
        if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR) return true;
    return false;
}

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
    return receive_reply(reader);
}

std::expected<ReplyEnd, Errno> Socket::receive_reply(ReplyReader& reader) {
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

std::expected<ReplyEnd, Errno> Socket::transact_overlapped(const nlmsghdr* request, const MessageSink& sink) {
    if (mnl_socket_sendto(sock_.get(), request, request->nlmsg_len) < 0) return std::unexpected(errno);
    ReplyReader reader(request->nlmsg_seq, portid(), sink);
    DatagramPipe pipe(receive_buffer_.size());
    std::expected<bool, Errno> fed = false;  // the reader's answer so far; written by the feeder only
    std::exception_ptr thrown;                // what the sink threw, rethrown here as transact() would
    auto feed_all = [&] {
        while (auto d = pipe.pop()) {
            // After the reply's end, an error or a throw, what is left is only given back.
            if (fed && !*fed && !thrown) {
                try {
                    fed = reader.feed(std::span(d->buffer->data(), d->size));
                } catch (...) {
                    thrown = std::current_exception();
                }
                if (!fed || thrown) pipe.abandon();  // the receiver stops at its next datagram
            }
            pipe.give_back(d->buffer);
        }
    };
    std::thread feeder;
    try {
        feeder = std::thread(feed_all);
    } catch (const std::system_error&) {
        return receive_reply(reader);  // no thread: received and fed one after the other
    }
    // However the receiving ends (a throw included), the feeder is told and waited for
    // before the pipe it reads goes.
    struct FeederStop {
        DatagramPipe& pipe;
        std::thread& feeder;
        ~FeederStop() {
            pipe.finish();
            if (feeder.joinable()) feeder.join();
        }
    };
    std::optional<FeederStop> stop{std::in_place, pipe, feeder};
    Errno receive_error = 0;
    for (;;) {
        auto* buffer = pipe.take_free();
        if (buffer == nullptr) break;  // the feeder failed: its error is the answer
        const ssize_t n = mnl_socket_recvfrom(sock_.get(), buffer->data(), buffer->size());
        if (n < 0 && errno == EINTR) {
            pipe.give_back(buffer);
            continue;
        }
        if (n <= 0) {
            receive_error = n < 0 ? errno : ENODATA;  // ENODATA: the reply ended without NLMSG_DONE
            pipe.give_back(buffer);
            break;
        }
        const auto size = static_cast<std::size_t>(n);
        const bool last = ends_reply(std::span(buffer->data(), size));
        pipe.push({buffer, size});
        if (last) break;
    }
    stop.reset();
    if (thrown) std::rethrow_exception(thrown);
    if (!fed) return std::unexpected(fed.error());
    if (receive_error != 0) return std::unexpected(receive_error);
    if (!*fed) return std::unexpected(ENODATA);  // the receiver saw an end the reader did not take as one
    return ReplyEnd{reader.interrupted()};
}

Error netlink_error(const ErrorWording& wording, Errno err, std::string_view what) {
    if ((err == EPERM || err == EACCES) && !wording.permission_denied.empty())
        return Error{std::string(wording.source), std::string(wording.permission_denied)};
    return Error{std::string(wording.source), fmt::format("{}: {}", what, std::strerror(err))};
}

}  // namespace dnd::netlink
