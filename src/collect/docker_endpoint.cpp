// Where the Docker engine listens: DOCKER_HOST parsing and the default.
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/endpoint.hpp"

namespace dnd {
namespace {

constexpr std::uint16_t kDefaultTcpPort = 2375;  // the engine's plain-HTTP port

Result<DockerEndpoint> parse_tcp(std::string_view text, std::string_view rest) {
    auto bad = [&](std::string_view why) {
        return fail(std::string(kDockerApiSource),
                    fmt::format("invalid Docker endpoint '{}': {}", text, why));
    };
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos) return bad("a path is not supported after host:port");
    DockerEndpoint ep;
    ep.kind = DockerEndpoint::Kind::tcp;
    std::string_view port_text;
    if (rest.starts_with('[')) {
        auto close = rest.find(']');
        if (close == std::string_view::npos) return bad("unclosed '[' in the address");
        ep.host = std::string(rest.substr(1, close - 1));
        auto after = rest.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) return bad("expected ':' after ']'");
            port_text = after.substr(1);
        }
    } else {
        auto colon = rest.rfind(':');
        if (colon != std::string_view::npos && rest.find(':') != colon)
            return bad("write IPv6 addresses in brackets, e.g. tcp://[::1]:2375");
        ep.host = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
    }
    if (ep.host.empty()) return bad("no host");
    ep.port = kDefaultTcpPort;
    if (!port_text.empty() || rest.ends_with(':')) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535)
            return bad("the port must be a number from 1 to 65535");
        ep.port = static_cast<std::uint16_t>(value);
    }
    return ep;
}

}  // namespace

std::string DockerEndpoint::str() const {
    if (kind == Kind::unix_socket) return "unix://" + socket_path;
    return "tcp://" + format_endpoint(host, port);
}

Result<DockerEndpoint> parse_docker_host(std::string_view text) {
    constexpr std::string_view unix_scheme = "unix://";
    constexpr std::string_view tcp_scheme = "tcp://";
    if (text.starts_with(unix_scheme)) {
        auto path = text.substr(unix_scheme.size());
        if (path.empty())
            return fail(std::string(kDockerApiSource),
                        fmt::format("invalid Docker endpoint '{}': no socket path", text));
        DockerEndpoint ep;
        ep.kind = DockerEndpoint::Kind::unix_socket;
        ep.socket_path = std::string(path);
        return ep;
    }
    if (text.starts_with(tcp_scheme)) return parse_tcp(text, text.substr(tcp_scheme.size()));
    return fail(std::string(kDockerApiSource),
                fmt::format("unsupported Docker endpoint '{}': only unix:///path and tcp://host:port "
                            "(plain HTTP) are supported",
                            text));
}

Result<DockerEndpoint> choose_docker_endpoint(std::string_view explicit_host,
                                              std::optional<std::string_view> env_docker_host) {
    if (!explicit_host.empty()) return parse_docker_host(explicit_host);
    if (env_docker_host && !env_docker_host->empty()) return parse_docker_host(*env_docker_host);
    return parse_docker_host(kDefaultDockerHost);
}

std::optional<std::string_view> docker_host_from_environment() {
    const char* value = std::getenv("DOCKER_HOST");
    if (!value) return std::nullopt;
    return std::string_view(value);
}

}  // namespace dnd
