#include <gtest/gtest.h>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/docker_api.hpp"

namespace dnd {
namespace {

TEST(DockerEndpoint, UnixSocketPath) {
    auto ep = parse_docker_host("unix:///tmp/dndtry/docker.sock");
    ASSERT_TRUE(ep) << ep.error().message;
    EXPECT_EQ(ep->kind, DockerEndpoint::Kind::unix_socket);
    EXPECT_EQ(ep->socket_path, "/tmp/dndtry/docker.sock");
    EXPECT_EQ(ep->str(), "unix:///tmp/dndtry/docker.sock");
}

TEST(DockerEndpoint, TcpHostPort) {
    auto ep = parse_docker_host("tcp://127.0.0.1:2376");
    ASSERT_TRUE(ep) << ep.error().message;
    EXPECT_EQ(ep->kind, DockerEndpoint::Kind::tcp);
    EXPECT_EQ(ep->host, "127.0.0.1");
    EXPECT_EQ(ep->port, 2376);
    EXPECT_EQ(ep->str(), "tcp://127.0.0.1:2376");
}

TEST(DockerEndpoint, TcpWithoutPortUsesThePlainHttpPort) {
    auto ep = parse_docker_host("tcp://docker.example/");
    ASSERT_TRUE(ep) << ep.error().message;
    EXPECT_EQ(ep->host, "docker.example");
    EXPECT_EQ(ep->port, 2375);
}

TEST(DockerEndpoint, TcpIpv6InBrackets) {
    auto ep = parse_docker_host("tcp://[::1]:2375");
    ASSERT_TRUE(ep) << ep.error().message;
    EXPECT_EQ(ep->host, "::1");
    EXPECT_EQ(ep->str(), "tcp://[::1]:2375");
}

TEST(DockerEndpoint, UnsupportedSchemesAreClearErrors) {
    for (const char* text : {"https://h:2376", "ssh://me@h", "npipe:////./pipe/docker_engine", "fd://", "h:2375"}) {
        auto ep = parse_docker_host(text);
        ASSERT_FALSE(ep) << text;
        EXPECT_EQ(ep.error().source, "docker-api");
        EXPECT_EQ(ep.error().message, std::string("unsupported Docker endpoint '") + text +
                                          "': only unix:///path and tcp://host:port (plain HTTP) are supported");
    }
}

TEST(DockerEndpoint, MalformedTcpAndUnixAreErrors) {
    EXPECT_EQ(parse_docker_host("tcp://h:99999").error().message,
              "invalid Docker endpoint 'tcp://h:99999': the port must be a number from 1 to 65535");
    EXPECT_EQ(parse_docker_host("tcp://h:").error().message,
              "invalid Docker endpoint 'tcp://h:': the port must be a number from 1 to 65535");
    EXPECT_EQ(parse_docker_host("tcp://:2375").error().message, "invalid Docker endpoint 'tcp://:2375': no host");
    EXPECT_EQ(parse_docker_host("tcp://h:2375/v1").error().message,
              "invalid Docker endpoint 'tcp://h:2375/v1': a path is not supported after host:port");
    EXPECT_EQ(parse_docker_host("unix://").error().message, "invalid Docker endpoint 'unix://': no socket path");
}

TEST(DockerEndpoint, ExplicitOptionWinsOverEnvironmentWhichWinsOverDefault) {
    EXPECT_EQ(choose_docker_endpoint("unix:///a.sock", "tcp://h:1")->str(), "unix:///a.sock");
    EXPECT_EQ(choose_docker_endpoint("", "tcp://h:1")->str(), "tcp://h:1");
    EXPECT_EQ(choose_docker_endpoint("", "")->str(), "unix:///var/run/docker.sock");
    EXPECT_EQ(choose_docker_endpoint("", std::nullopt)->str(), "unix:///var/run/docker.sock");
    EXPECT_FALSE(choose_docker_endpoint("", "ssh://h"));
}

TEST(DockerApiVersion, NegotiatedIsTheLowerOfDaemonAndClient) {
    EXPECT_EQ(negotiate_api_version("1.41").str(), "1.41");
    EXPECT_EQ(negotiate_api_version("1.43").str(), "1.43");
    EXPECT_EQ(negotiate_api_version("1.47").str(), "1.43");
    EXPECT_EQ(negotiate_api_version("2.0").str(), "1.43");
    // Numeric, not textual: 1.9 < 1.41.
    EXPECT_EQ(negotiate_api_version("1.9").str(), "1.9");
}

TEST(DockerApiVersion, FromTheRecordedPingHeader) {
    const auto headers = testing::read_fixture("engine-api/ping.headers.txt");
    const std::string name = "Api-Version: ";
    const auto start = headers.find(name);
    ASSERT_NE(start, std::string::npos);
    const auto value = headers.substr(start + name.size(), headers.find('\r', start) - start - name.size());
    EXPECT_EQ(negotiate_api_version(value).str(), "1.41");
}

TEST(DockerApiVersion, MissingOrMalformedHeaderMeansAPreNegotiationDaemon) {
    EXPECT_EQ(negotiate_api_version("").str(), "1.24");
    EXPECT_EQ(negotiate_api_version("one.two").str(), "1.24");
    EXPECT_EQ(negotiate_api_version("1.").str(), "1.24");
    EXPECT_FALSE(parse_api_version("1.41x"));
}

}  // namespace
}  // namespace dnd
