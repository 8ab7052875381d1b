// GETs to the Docker engine (engine_http.hpp does the HTTP), every way one can fail turned
// into a one-line Error for the user.
#include <cerrno>

#include <fmt/format.h>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/engine_http.hpp"
#include "docknetdoctor/model/json_limits.hpp"

namespace dnd {
namespace {

// A body is parsed whole: this bounds what one answer can cost (kEngineJsonLimits agrees).
constexpr std::size_t kMaxEngineBody = kEngineJsonLimits.max_bytes;

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

std::optional<Error> DockerClient::failure(const EngineHttpOutcome& outcome, const std::string& full_path) const {
    const std::string source(kDockerApiSource);
    const std::string where = endpoint_.str();
    switch (outcome.end) {
        case EngineHttpEnd::complete:
        case EngineHttpEnd::refused:
        case EngineHttpEnd::cancelled:
            return std::nullopt;
        case EngineHttpEnd::deadline:
            return no_answer_error();
        case EngineHttpEnd::connect_failed:
        case EngineHttpEnd::resolve_failed:
            // detail is the system's own message for the errno ("Permission denied").
            if (outcome.system_errno == EACCES || outcome.system_errno == EPERM)
                return Error{source, fmt::format("cannot connect to the Docker engine at {}: {} (run as root or as a "
                                                 "member of the docker group)",
                                                 where, outcome.detail)};
            return Error{source, fmt::format("cannot connect to the Docker engine at {}: {}", where, outcome.detail)};
        case EngineHttpEnd::write_failed:
            return Error{source, fmt::format("the Docker engine at {} closed the connection while GET {} was sent",
                                             where, full_path)};
        case EngineHttpEnd::closed_early:
            return Error{source, fmt::format("the Docker engine at {} closed the connection before the response to "
                                             "GET {} was complete",
                                             where, full_path)};
        case EngineHttpEnd::head_too_long:
            return Error{source, fmt::format("the Docker engine at {} answered GET {} with headers of more than {} KiB "
                                             "(endless headers?): refused",
                                             where, full_path, kMaxEngineHeadBytes >> 10)};
        case EngineHttpEnd::malformed:
            return Error{source, fmt::format("the Docker engine at {} answered GET {} with something other than HTTP: "
                                             "{}",
                                             where, full_path, outcome.detail)};
    }
    return Error{source, fmt::format("GET {} to the Docker engine at {} failed", full_path, where)};
}

Result<DockerClient::Reply> DockerClient::exchange(const std::string& full_path) const {
    Reply reply;
    bool body_refused = false;
    EngineHttpCallbacks callbacks;
    callbacks.on_head = [&](const EngineHttpHead& head) {
        reply.status = head.status;
        reply.api_version_header = head.api_version;
        reply.server_header = head.server;
        return true;
    };
    callbacks.on_body = [&](std::string_view piece) {
        if (reply.body.size() + piece.size() > kMaxEngineBody) {
            body_refused = true;
            return false;
        }
        reply.body.append(piece);
        return true;
    };
    const auto outcome = engine_http_get(endpoint_, full_path, timeout_, true, callbacks);
    if (body_refused)
        return fail(std::string(kDockerApiSource),
                    fmt::format("the Docker engine at {} answered GET {} with more than {} MiB: refused",
                                endpoint_.str(), full_path, kMaxEngineBody >> 20));
    if (auto error = failure(outcome, full_path)) return std::unexpected(std::move(*error));
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
    if (stopper.stopped()) return {};
    std::optional<Error> refused;
    int status = 0;
    std::string error_body;
    EngineHttpCallbacks callbacks;
    callbacks.on_head = [&](const EngineHttpHead& head) {
        status = head.status;
        if (stopper.stopped()) return false;
        if (status >= 200 && status <= 299) on_open();
        return true;
    };
    callbacks.on_body = [&](std::string_view piece) {
        if (status < 200 || status > 299) {  // an error's body: kept for its message, bounded
            error_body.append(piece.substr(0, kMaxEngineBody - std::min(kMaxEngineBody, error_body.size())));
            return true;
        }
        refused = on_data(piece);
        return !refused;
    };
    callbacks.on_cancellable = [&stopper](std::function<void()> cancel) {
        std::lock_guard lock(stopper.mutex_);
        stopper.cancel_ = std::move(cancel);
        // A stop between the check above and now found nothing to cancel.
        if (stopper.cancel_ && stopper.stopped_) stopper.cancel_();
    };
    // Until the head is in, the deadline bounds it as every request; after it an idle engine
    // sends nothing for as long as nothing happens.
    const auto outcome = engine_http_get(endpoint_, full_path, timeout_, false, callbacks);
    if (stopper.stopped()) return {};
    if (refused) return std::unexpected(*refused);
    if (auto error = failure(outcome, full_path)) return std::unexpected(std::move(*error));
    if (status < 200 || status > 299) {
        auto message = parse_error_message(error_body);
        return fail(std::string(kDockerApiSource),
                    fmt::format("the Docker engine at {} answered GET {} with HTTP {}: {}", endpoint_.str(), full_path,
                                status, message.empty() ? "no error message" : message));
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
