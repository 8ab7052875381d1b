#pragma once
// Docker Engine API: where the engine is (endpoint), how to talk to it (client), and how
// to read its answers (parsers, pure, tested on recorded bodies in fixtures/engine-api/).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

struct EngineHttpOutcome;

inline constexpr std::string_view kDockerApiSource = "docker-api";
inline constexpr std::string_view kDefaultDockerHost = "unix:///var/run/docker.sock";
// The newest API version whose fields we read; older daemons are asked in their own version.
inline constexpr std::string_view kClientMaxApiVersion = "1.43";

// ---------------------------------------------------------------------------------------
// Endpoint

struct DockerEndpoint {
    enum class Kind { unix_socket, tcp };
    Kind kind = Kind::unix_socket;
    std::string socket_path;   // unix_socket
    std::string host;          // tcp: name or address (IPv6 without brackets)
    std::uint16_t port = 0;    // tcp
    std::string str() const;   // "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"
};

// Parses a DOCKER_HOST value: unix:///path or tcp://host[:port] (plain HTTP, port 2375
// when missing). Anything else (https://, ssh://, npipe://, fd://) is an error.
Result<DockerEndpoint> parse_docker_host(std::string_view text);

// The endpoint to use: the explicit option when non-empty, else the DOCKER_HOST value
// when set and non-empty, else unix:///var/run/docker.sock.
Result<DockerEndpoint> choose_docker_endpoint(std::string_view explicit_host,
                                              std::optional<std::string_view> env_docker_host);
// $DOCKER_HOST, nullopt when unset.
std::optional<std::string_view> docker_host_from_environment();

// ---------------------------------------------------------------------------------------
// API versions

// "1.41" -> {1, 41}; nullopt when malformed.
struct ApiVersion {
    int major = 0;
    int minor = 0;
    auto operator<=>(const ApiVersion&) const = default;
    std::string str() const;
};
std::optional<ApiVersion> parse_api_version(std::string_view text);

// min(daemon's version, the client's maximum). A missing or malformed daemon version
// means a daemon older than API version negotiation: 1.24, as the docker CLI assumes.
ApiVersion negotiate_api_version(std::string_view daemon_header);

// ---------------------------------------------------------------------------------------
// Parsers: body text in, Facts structs out. Errors describe what was wrong with the body
// (one line); the client prefixes them with the request.

struct ContainerSummary {
    std::string id;
    std::vector<std::string> names;  // without the leading "/"
    std::vector<PortKey> published;  // Ports[].PublicPort/Type: the host ports it publishes
};

Result<std::vector<ContainerSummary>> parse_container_list(std::string_view body);
// /version: server_version only; the other EngineInfo fields stay as they are.
Result<void> parse_version_into(std::string_view body, EngineInfo& engine);
// /info: os, kernel, root dir, security options, warnings.
Result<void> parse_info_into(std::string_view body, EngineInfo& engine);
Result<Container> parse_container_inspect(std::string_view body);
Result<NetworkInfo> parse_network_inspect(std::string_view body);
// /services/ID: its id, Spec.Name and published ports (Endpoint.Ports, what the swarm
// assigned; Spec.EndpointSpec.Ports while it has not). kernel_has_ipvs is left as it is.
Result<SwarmService> parse_service_inspect(std::string_view body);
// /events with `until` (a finite stream): one JSON object a line, oldest first.
Result<std::vector<ContainerEvent>> parse_container_events(std::string_view body);
// One line of the endless /events stream `watch` follows: what changed (Type: "container",
// "network"; Action: "die", "connect"), on what (Actor.Attributes.name, else Actor.ID), and
// when (timeNano; time before API 1.22).
struct EngineEvent {
    std::string type;
    std::string action;
    std::string actor;
    long long time_nano = 0;
};
Result<EngineEvent> parse_engine_event(std::string_view line);
// /containers/ID/logs: its last max_lines non-empty lines, oldest first, each cut to
// kLogLineMaxChars. multiplexed: frames of an 8-byte header (stream, 0, 0, 0, big-endian
// payload size) and the payload, as the engine sends the log of a container without a TTY;
// otherwise the raw text.
inline constexpr std::size_t kLogLineMaxChars = 300;
Result<std::vector<std::string>> parse_log_tail(std::string_view body, bool multiplexed, std::size_t max_lines);
// The "message" field of an error body, or "" when there is none.
std::string parse_error_message(std::string_view body);
// The engine's version from the Server header every answer carries, "Docker/20.10.24+dfsg1
// (linux)" -> "20.10.24+dfsg1" (the same value as /version's Version: the engine fills both
// from one constant). nullopt for anything else (another engine, a proxy, no header).
std::optional<std::string> parse_server_header_version(std::string_view header);

// ---------------------------------------------------------------------------------------
// Container resolution: exact name (with or without "/"), full id, unique id prefix.
// Returns the full id. Errors are one line:
//   "no such container: webb (did you mean: web?)"
//   "container prefix 'b' is ambiguous: b901dc00f159 (unhealthy), bc5142b1e976 (exited)"
Result<std::string> resolve_container(const std::vector<ContainerSummary>& containers,
                                      std::string_view wanted);

// ---------------------------------------------------------------------------------------
// Client: plain HTTP/1.1 GETs over a unix socket or TCP. Each request (connect, write,
// read) is bounded by the timeout; every failure is an Error with source "docker-api".

class DockerClient {
public:
    DockerClient(DockerEndpoint endpoint, std::chrono::milliseconds timeout);

    const DockerEndpoint& endpoint() const { return endpoint_; }
    // "" until negotiate() succeeded.
    const std::string& api_version() const { return api_version_; }
    // The engine version from /_ping's Server header (parse_server_header_version); ""
    // when it had none, then ask /version.
    const std::string& server_version() const { return server_version_; }

    // GET /_ping: reads API-Version and fixes the version used by get(); reads Server.
    Result<void> negotiate();

    // GET /v<api>/<path>: the body of a 2xx answer. path starts with "/".
    Result<std::string> get(std::string_view path) const;

    // get(), except that an answer other than 2xx (the engine does not know the object, say)
    // is std::nullopt: only failing to get an answer is an error.
    Result<std::optional<std::string>> get_if_ok(std::string_view path) const;

    // get() and parse; a parse error becomes
    // "malformed response from the Docker engine to GET /v1.41/...: <what>".
    template <class T>
    Result<T> get_parsed(std::string_view path,
                         const std::function<Result<T>(std::string_view)>& parse) const {
        auto body = get(path);
        if (!body) return std::unexpected(body.error());
        auto parsed = parse(*body);
        if (!parsed) return std::unexpected(malformed(path, parsed.error()));
        return parsed;
    }

    // get_parsed(), with get_if_ok()'s std::nullopt for an answer other than 2xx.
    template <class T>
    Result<std::optional<T>> get_parsed_if_ok(std::string_view path,
                                              const std::function<Result<T>(std::string_view)>& parse) const {
        auto body = get_if_ok(path);
        if (!body) return std::unexpected(body.error());
        if (!*body) return std::nullopt;
        auto parsed = parse(**body);
        if (!parsed) return std::unexpected(malformed(path, parsed.error()));
        return std::optional<T>(std::move(*parsed));
    }

    // GET /v<api>/<path> whose answer does not end (/events): on_open once the engine
    // answered 2xx, then each piece of the body to on_data as it comes, until on_data returns
    // an error (the stream's), the engine closes it, or stopper.stop(). Until the answer's
    // head is in, the request is bounded as every other (time, memory); after it an idle
    // stream may stay silent for hours. The engine ending it, or a stop, is no error.
    class StreamStopper {
    public:
        // From any thread, once or many times: the open stream is shut down, and one not yet
        // connected never connects.
        void stop();
        bool stopped() const { return stopped_; }

    private:
        friend class DockerClient;
        std::mutex mutex_;
        std::function<void()> cancel_;  // shuts the open connection down; set while a stream runs
        std::atomic<bool> stopped_ = false;  // read where the connection is made, without the lock
    };
    using StreamData = std::function<std::optional<Error>(std::string_view piece)>;
    Result<void> stream(std::string_view path, const std::function<void()>& on_open, const StreamData& on_data,
                        StreamStopper& stopper) const;

    std::string versioned_path(std::string_view path) const;

private:
    struct Reply {
        int status = 0;
        std::string body;
        std::string api_version_header;
        std::string server_header;
        bool ok() const { return status >= 200 && status <= 299; }
    };
    // One GET and its answer, whatever its status: an error only when there was none.
    Result<Reply> exchange(const std::string& full_path) const;
    // exchange(), where an answer other than 2xx is an error too.
    Result<Reply> request(const std::string& full_path) const;
    Error malformed(std::string_view path, const Error& parse_error) const;
    Error no_answer_error() const;  // "did not answer within N ms"
    // How an exchange that gave no answer ended, in the user's words; nullopt for the ends
    // the caller words itself (complete, refused, cancelled).
    std::optional<Error> failure(const EngineHttpOutcome& outcome, const std::string& full_path) const;

    DockerEndpoint endpoint_;
    std::chrono::milliseconds timeout_;
    std::string api_version_;
    std::string server_version_;
};

// GET /networks/ID for each network the container is attached to, in its order. One failed
// inspect fails the whole list: a partial list would hide a network.
Result<std::vector<NetworkInfo>> inspect_attached_networks(const DockerClient& client, const Container& c);

}  // namespace dnd
