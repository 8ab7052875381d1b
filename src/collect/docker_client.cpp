// Plain HTTP GETs to the Docker engine (cpp-httplib), every failure turned into a one-line
// Error for the user. httplib reports failures as an enum without errno, so after a failed
// connect we connect once more ourselves to learn why (no socket, permission, refused).
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>
#include <httplib.h>

#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/request_watchdog.hpp"
#include "docknetdoctor/model/json_limits.hpp"

namespace dnd {
namespace {

using Clock = std::chrono::steady_clock;

// A body is parsed whole: this bounds what one answer can cost (kEngineJsonLimits agrees).
constexpr std::size_t kMaxEngineBody = kEngineJsonLimits.max_bytes;
// The process may grow by this much while one request is in flight: the body at its bound,
// its copies while the string grows, and httplib's own buffers.
constexpr std::size_t kMaxRequestGrowth = 4 * kMaxEngineBody;

// Non-blocking connect bounded by timeout: 0 on success, else an errno value.
int connect_errno(int family, const sockaddr* addr, socklen_t len, std::chrono::milliseconds timeout) {
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0) return errno;
    if (::connect(fd.get(), addr, len) == 0) return 0;
    if (errno != EINPROGRESS && errno != EAGAIN) return errno;
    pollfd p{fd.get(), POLLOUT, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready == 0) return ETIMEDOUT;
    if (ready < 0) return errno;
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &so_len) != 0) return errno;
    return so_error;
}

int probe_connect(const DockerEndpoint& ep, std::chrono::milliseconds timeout) {
    if (ep.kind == DockerEndpoint::Kind::unix_socket) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (ep.socket_path.size() >= sizeof addr.sun_path) return ENAMETOOLONG;
        std::memcpy(addr.sun_path, ep.socket_path.data(), ep.socket_path.size());
        return connect_errno(AF_UNIX, reinterpret_cast<const sockaddr*>(&addr), sizeof addr, timeout);
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &found) != 0 || !found)
        return EHOSTUNREACH;
    int last = ECONNREFUSED;
    for (addrinfo* ai = found; ai; ai = ai->ai_next) {
        last = connect_errno(ai->ai_family, ai->ai_addr, ai->ai_addrlen, timeout);
        if (last == 0) break;
    }
    ::freeaddrinfo(found);
    return last;
}

std::string errno_text(int err) {
    char buffer[256];
    // GNU strerror_r: returns the message, not necessarily in buffer.
    return ::strerror_r(err, buffer, sizeof buffer);
}

// The HTTP client for the endpoint, and the headers every request to it carries.
void open_client(const DockerEndpoint& endpoint, std::optional<httplib::Client>& client, httplib::Headers& headers) {
    if (endpoint.kind == DockerEndpoint::Kind::unix_socket) {
        client.emplace(endpoint.socket_path, 80);
        client->set_address_family(AF_UNIX);
        headers.emplace("Host", "docker");  // else the engine answers 400 "malformed Host header"
    } else {
        client.emplace(endpoint.host, endpoint.port);
    }
}

}  // namespace

DockerClient::DockerClient(DockerEndpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

std::string DockerClient::versioned_path(std::string_view path) const {
    return fmt::format("/v{}{}", api_version_, path);
}

Error DockerClient::no_answer_error() const {
    return Error{std::string(kDockerApiSource),
                 fmt::format("the Docker engine at {} did not answer within {} ms", endpoint_.str(), timeout_.count())};
}

Error DockerClient::endless_head_error(const std::string& full_path) const {
    return Error{std::string(kDockerApiSource),
                 fmt::format("the answer of the Docker engine at {} to GET {} grew this process by more than {} MiB "
                             "(endless headers?): refused",
                             endpoint_.str(), full_path, kMaxRequestGrowth >> 20)};
}

Error DockerClient::connect_error() const {
    const std::string where = endpoint_.str();
    const int err = probe_connect(endpoint_, timeout_);
    if (err == 0)  // it works now: the engine was restarting, or it refused this one request
        return Error{std::string(kDockerApiSource),
                     fmt::format("cannot connect to the Docker engine at {}: the connection failed", where)};
    if (err == ETIMEDOUT) return no_answer_error();
    if (err == EACCES || err == EPERM)
        return Error{std::string(kDockerApiSource),
                     fmt::format("cannot connect to the Docker engine at {}: {} (run as root or as a member of "
                                 "the docker group)",
                                 where, errno_text(err))};
    return Error{std::string(kDockerApiSource),
                 fmt::format("cannot connect to the Docker engine at {}: {}", where, errno_text(err))};
}

Result<DockerClient::Reply> DockerClient::exchange(const std::string& full_path) const {
    const std::string source(kDockerApiSource);
    const std::string where = endpoint_.str();

    std::optional<httplib::Client> client;
    httplib::Headers headers;
    open_client(endpoint_, client, headers);
    client->set_connection_timeout(timeout_);
    client->set_read_timeout(timeout_);
    client->set_write_timeout(timeout_);
    client->set_keep_alive(false);

    // httplib's timeouts bound each read; the watchdog bounds the whole request (headers
    // included) in time and in memory, the receiver bounds the body.
    std::size_t body_bytes_refused = 0;
    Reply reply;
    const auto start = Clock::now();
    RequestWatchdog watchdog(timeout_, kMaxRequestGrowth, [&client] { client->stop(); });
    auto result = client->Get(full_path, headers, [&](const char* data, std::size_t size) {
        if (reply.body.size() + size > kMaxEngineBody) {
            body_bytes_refused = reply.body.size() + size;
            return false;
        }
        reply.body.append(data, size);
        return true;
    });
    const RequestWatchdog::Tripped tripped = watchdog.finish();
    if (!result) {
        const auto elapsed = Clock::now() - start;
        if (tripped == RequestWatchdog::Tripped::deadline) return std::unexpected(no_answer_error());
        if (tripped == RequestWatchdog::Tripped::memory) return std::unexpected(endless_head_error(full_path));
        if (body_bytes_refused > 0)
            return fail(source, fmt::format("the Docker engine at {} answered GET {} with more than {} MiB: refused",
                                            where, full_path, kMaxEngineBody >> 20));
        switch (result.error()) {
            case httplib::Error::Connection:
                return std::unexpected(connect_error());
            case httplib::Error::ConnectionTimeout:
                return std::unexpected(no_answer_error());
            case httplib::Error::Read:
                // Read timeouts and early closes look the same to httplib; the clock tells.
                if (elapsed + timeout_ / 10 >= timeout_) return std::unexpected(no_answer_error());
                return fail(source, fmt::format("the Docker engine at {} closed the connection before the response "
                                                "to GET {} was complete",
                                                where, full_path));
            case httplib::Error::Write:
                return fail(source, fmt::format("the Docker engine at {} closed the connection while GET {} was sent",
                                                where, full_path));
            default:
                break;
        }
        return fail(source, fmt::format("GET {} to the Docker engine at {} failed: {}", full_path, where,
                                        httplib::to_string(result.error())));
    }
    reply.status = result->status;
    reply.api_version_header = result->get_header_value("API-Version");
    reply.server_header = result->get_header_value("Server");
    return reply;
}

Result<DockerClient::Reply> DockerClient::request(const std::string& full_path) const {
    auto reply = exchange(full_path);
    if (!reply || reply->ok()) return reply;
    auto message = parse_error_message(reply->body);
    if (message.empty()) message = "no error message";
    return fail(std::string(kDockerApiSource), fmt::format("the Docker engine at {} answered GET {} with HTTP {}: {}",
                                                           endpoint_.str(), full_path, reply->status, message));
}

Result<void> DockerClient::negotiate() {
    auto reply = request("/_ping");
    if (!reply) return std::unexpected(reply.error());
    api_version_ = negotiate_api_version(reply->api_version_header).str();
    server_version_ = parse_server_header_version(reply->server_header).value_or("");
    return {};
}

Result<std::string> DockerClient::get(std::string_view path) const {
    auto reply = request(versioned_path(path));
    if (!reply) return std::unexpected(reply.error());
    return std::move(reply->body);
}

Result<std::optional<std::string>> DockerClient::get_if_ok(std::string_view path) const {
    auto reply = exchange(versioned_path(path));
    if (!reply) return std::unexpected(reply.error());
    if (!reply->ok()) return std::nullopt;
    return std::move(reply->body);
}

void DockerClient::StreamStopper::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    if (cancel_) cancel_();
}

Result<void> DockerClient::stream(std::string_view path, const std::function<void()>& on_open, const StreamData& on_data,
                                  StreamStopper& stopper) const {
    const std::string full_path = versioned_path(path);
    const std::string source(kDockerApiSource);
    std::optional<httplib::Client> client;
    httplib::Headers headers;
    open_client(endpoint_, client, headers);
    client->set_connection_timeout(timeout_);
    client->set_write_timeout(timeout_);
    // An idle engine sends nothing: once the head is in, reads wait for data, the end or a stop.
    client->set_read_timeout(std::chrono::hours(24 * 365));
    client->set_keep_alive(false);
    // A stop that comes before httplib holds the socket would find nothing to shut down: the
    // socket is shut down as it is made.
    client->set_socket_options([&stopper](int socket) {
        if (stopper.stopped()) ::shutdown(socket, SHUT_RDWR);
    });
    {
        std::lock_guard lock(stopper.mutex_);
        if (stopper.stopped_) return {};
        stopper.cancel_ = [&client] { client->stop(); };
    }
    struct Uninstall {  // however Get() ends, the stopper no longer reaches this client
        DockerClient::StreamStopper& stopper;
        ~Uninstall() {
            std::lock_guard lock(stopper.mutex_);
            stopper.cancel_ = nullptr;
        }
    } uninstall{stopper};

    // Until the head is in, the watchdog bounds it as every request (an engine dripping its
    // headers, or sending them without end).
    RequestWatchdog watchdog(timeout_, kMaxRequestGrowth, [&client] { client->stop(); });
    RequestWatchdog::Tripped tripped = RequestWatchdog::Tripped::no;
    std::optional<Error> refused;
    int status = 0;
    std::string error_body;
    auto result = client->Get(
        full_path, headers,
        [&](const httplib::Response& response) {
            tripped = watchdog.finish();
            status = response.status;
            if (tripped != RequestWatchdog::Tripped::no || stopper.stopped()) return false;
            if (status >= 200 && status <= 299) on_open();
            return true;
        },
        [&](const char* data, std::size_t size) {
            if (status < 200 || status > 299) {  // an error's body: kept for its message, bounded
                error_body.append(data, std::min(size, kMaxEngineBody - std::min(kMaxEngineBody, error_body.size())));
                return true;
            }
            refused = on_data(std::string_view(data, size));
            return !refused;
        });
    if (tripped == RequestWatchdog::Tripped::no) tripped = watchdog.finish();
    if (stopper.stopped()) return {};
    if (refused) return std::unexpected(*refused);
    if (tripped == RequestWatchdog::Tripped::deadline) return std::unexpected(no_answer_error());
    if (tripped == RequestWatchdog::Tripped::memory) return std::unexpected(endless_head_error(full_path));
    if (!result) {
        if (result.error() == httplib::Error::Connection) return std::unexpected(connect_error());
        if (result.error() == httplib::Error::ConnectionTimeout) return std::unexpected(no_answer_error());
        return fail(source, fmt::format("the Docker engine at {} ended GET {}: {}", endpoint_.str(), full_path,
                                        httplib::to_string(result.error())));
    }
    if (status < 200 || status > 299) {
        auto message = parse_error_message(error_body);
        return fail(source, fmt::format("the Docker engine at {} answered GET {} with HTTP {}: {}", endpoint_.str(),
                                        full_path, status, message.empty() ? "no error message" : message));
    }
    return {};  // the engine ended it
}

Error DockerClient::malformed(std::string_view path, const Error& parse_error) const {
    return Error{std::string(kDockerApiSource), fmt::format("malformed response from the Docker engine to GET {}: {}",
                                                            versioned_path(path), parse_error.message)};
}

Result<std::vector<NetworkInfo>> inspect_attached_networks(const DockerClient& client, const Container& c) {
    std::vector<NetworkInfo> out;
    for (const auto& attachment : c.networks) {
        const auto& ref = attachment.network_id.empty() ? attachment.network : attachment.network_id;
        auto network = client.get_parsed<NetworkInfo>("/networks/" + ref, parse_network_inspect);
        if (!network) return std::unexpected(network.error());
        out.push_back(std::move(*network));
    }
    return out;
}

}  // namespace dnd
