#include "docknetdoctor/collect/engine_http.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace dnd {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
// One socket type for both kinds of endpoint: the exchange is the same over either.
using Socket = asio::generic::stream_protocol::socket;
using Endpoint = asio::generic::stream_protocol::endpoint;

std::string header_value(const http::response_parser<http::buffer_body>& parser, std::string_view name) {
    const auto& fields = parser.get();
    const auto found = fields.find(boost::beast::string_view(name.data(), name.size()));
    if (found == fields.end()) return "";
    const auto value = found->value();
    return std::string(value.data(), value.size());
}

// The exchange as a chain of handlers on one io_context, run on the caller's thread; the
// deadline timer and a cancel close the socket, which ends whatever operation is pending.
class EngineGet {
public:
    EngineGet(const DockerEndpoint& endpoint, const std::string& target, std::chrono::milliseconds deadline,
              bool deadline_covers_body, const EngineHttpCallbacks& callbacks)
        : endpoint_(endpoint), deadline_(deadline), deadline_covers_body_(deadline_covers_body),
          callbacks_(callbacks), request_(http::verb::get, target, 11) {
        // The engine answers 400 "malformed Host header" to a request without one.
        request_.set(http::field::host,
                     endpoint.kind == DockerEndpoint::Kind::unix_socket ? std::string("docker") : endpoint.host);
        request_.set(http::field::user_agent, "docknetdoctor/" DND_VERSION);
        request_.keep_alive(false);
        parser_.header_limit(static_cast<std::uint32_t>(kMaxEngineHeadBytes));
        // on_body bounds the body, in the caller's words. Not boost::none: Boost 1.74 compares a
        // Content-Length with an empty limit as greater and refuses every body.
        parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
    }

    EngineHttpOutcome run() {
        // The caller may cancel while the exchange runs, and not once it is over.
        struct Cancellable {
            Cancellable(const EngineHttpCallbacks& callbacks, std::function<void()> cancel) : hooks(callbacks) {
                if (hooks.on_cancellable) hooks.on_cancellable(std::move(cancel));
            }
            ~Cancellable() {
                if (hooks.on_cancellable) hooks.on_cancellable({});
            }
            Cancellable(const Cancellable&) = delete;
            Cancellable& operator=(const Cancellable&) = delete;
            const EngineHttpCallbacks& hooks;
        } cancellable(callbacks_, [this] { asio::post(io_, [this] { end(EngineHttpEnd::cancelled); }); });
        timer_.expires_after(deadline_);
        timer_.async_wait([this](error_code ec) {
            if (!ec) end(EngineHttpEnd::deadline);
        });
        if (!resolve()) return outcome_;
        connect_next();
        io_.run();
        return outcome_;
    }

private:
    bool resolve() {
        if (endpoint_.kind == DockerEndpoint::Kind::unix_socket) {
            candidates_.emplace_back(asio::local::stream_protocol::endpoint(endpoint_.socket_path));
            return true;
        }
        error_code ec;
        asio::ip::tcp::resolver resolver(io_);
        const auto found = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
        if (ec) {
            outcome_ = {EngineHttpEnd::resolve_failed, 0, ec.message()};
            return false;
        }
        for (const auto& entry : found) candidates_.emplace_back(entry.endpoint());
        return true;
    }

    // Each address in turn, as a client does: the first that takes the connection.
    void connect_next() {
        const Endpoint to = candidates_[next_candidate_++];
        error_code ignored;
        socket_.close(ignored);
        socket_.async_connect(to, [this](error_code ec) {
            if (ended_) return;
            if (ec && next_candidate_ < candidates_.size()) return connect_next();
            if (ec) return end(EngineHttpEnd::connect_failed, ec);
            http::async_write(socket_, request_, [this](error_code write_ec, std::size_t) {
                if (ended_) return;
                if (write_ec) return end(EngineHttpEnd::write_failed, write_ec);
                read_head();
            });
        });
    }

    void read_head() {
        http::async_read_header(socket_, buffer_, parser_, [this](error_code ec, std::size_t) {
            if (ended_) return;
            if (ec) return end_on_read_error(ec);
            if (!deadline_covers_body_) timer_.cancel();
            const EngineHttpHead head{static_cast<int>(parser_.get().result_int()), header_value(parser_, "API-Version"),
                                      header_value(parser_, "Server")};
            if (callbacks_.on_head && !callbacks_.on_head(head)) return end(EngineHttpEnd::refused);
            read_body();
        });
    }

    void read_body() {
        if (parser_.is_done()) return end(EngineHttpEnd::complete);
        auto& body = parser_.get().body();
        body.data = piece_.data();
        body.size = piece_.size();
        http::async_read(socket_, buffer_, parser_, [this](error_code ec, std::size_t) {
            if (ended_) return;
            if (ec == http::error::need_buffer) ec = {};  // the piece is full: hand it on
            if (ec) return end_on_read_error(ec);
            const std::size_t got = piece_.size() - parser_.get().body().size;
            if (got > 0 && callbacks_.on_body && !callbacks_.on_body(std::string_view(piece_.data(), got)))
                return end(EngineHttpEnd::refused);
            read_body();
        });
    }

    void end_on_read_error(error_code ec) {
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
            return end(EngineHttpEnd::head_too_long, ec);
        if (ec == http::error::end_of_stream || ec == http::error::partial_message)
            return end(EngineHttpEnd::closed_early, ec);
        if (ec.category() == make_error_code(http::error::bad_version).category())
            return end(EngineHttpEnd::malformed, ec);
        end(EngineHttpEnd::closed_early, ec);  // the socket's own error: reset, broken
    }

    void end(EngineHttpEnd how, error_code ec = {}) {
        if (ended_) return;
        ended_ = true;
        outcome_ = {how, ec && ec.category() == boost::system::system_category() ? ec.value() : 0,
                    ec ? ec.message() : std::string()};
        stop();
    }

    // Nothing stays pending, so io_.run() returns.
    void stop() {
        timer_.cancel();
        error_code ignored;
        socket_.close(ignored);
    }

    const DockerEndpoint& endpoint_;
    const std::chrono::milliseconds deadline_;
    const bool deadline_covers_body_;
    const EngineHttpCallbacks& callbacks_;
    asio::io_context io_{1};
    asio::steady_timer timer_{io_};
    Socket socket_{io_};
    std::vector<Endpoint> candidates_;
    std::size_t next_candidate_ = 0;
    http::request<http::empty_body> request_;
    // Bounded like the head: the parser takes what it needs of it, a head at most.
    boost::beast::flat_buffer buffer_{kMaxEngineHeadBytes};
    http::response_parser<http::buffer_body> parser_;
    std::array<char, 64 * 1024> piece_;  // written by the parser before it is read
    bool ended_ = false;
    EngineHttpOutcome outcome_;
};

}  // namespace

EngineHttpOutcome engine_http_get(const DockerEndpoint& endpoint, const std::string& target,
                                  std::chrono::milliseconds deadline, bool deadline_covers_body,
                                  const EngineHttpCallbacks& callbacks) {
    EngineGet get(endpoint, target, deadline, deadline_covers_body, callbacks);
    return get.run();
}

}  // namespace dnd
