// What the user sees when the Docker engine is missing, silent, forbidden or talks nonsense:
// collect_facts against in-process fake engines on a unix socket in a temporary directory.
#include <gtest/gtest.h>

#include <algorithm>

#include <chrono>

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/collect.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;
using testing::FakeEngine;
using testing::http_response;
using testing::recorded_engine;
using testing::TempDir;

constexpr const char* kWebId = "a21c4ad64fafcd3a169f6b653f90a0d70f69add37f8b0a09c9feeb944ce73a3f";

CollectOptions options_for(const std::string& endpoint, const std::string& container = "web") {
    CollectOptions o;
    o.docker_host = endpoint;
    o.timeout = 300ms;
    o.query.container = container;
    return o;
}

std::string collect_error(const CollectOptions& o) {
    auto r = collect_facts(o);
    if (r) return "collected";
    EXPECT_EQ(r.error().source, "docker-api");
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
    return r.error().message;
}

// "2026-11-28T14:25:20Z": digits where the pattern has 9, the separators as given.
// (No std::regex: g++ 12 warns falsely inside it under the sanitizers.)
bool is_rfc3339_utc(const std::string& s) {
    const std::string pattern = "9999-99-99T99:99:99.999Z";  // to the millisecond
    if (s.size() != pattern.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool digit = s[i] >= '0' && s[i] <= '9';
        if (pattern[i] == '9' ? !digit : s[i] != pattern[i]) return false;
    }
    return true;
}

TEST(DockerCollect, FromRecordedEngine) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine());
    auto facts = collect_facts(options_for(engine.endpoint(), "/web"));
    ASSERT_TRUE(facts) << facts.error().message;

    EXPECT_EQ(facts->tool_version, DND_VERSION);
    EXPECT_TRUE(is_rfc3339_utc(facts->collected_at)) << facts->collected_at;
    ASSERT_TRUE(facts->engine) << facts->engine.error().message;
    EXPECT_EQ(facts->engine->server_version, "20.10.24+dfsg1");
    EXPECT_EQ(facts->engine->api_version, "1.41");
    EXPECT_EQ(facts->engine->endpoint, engine.endpoint());
    EXPECT_EQ(facts->engine->os, "Debian GNU/Linux 12 (bookworm)");
    ASSERT_TRUE(facts->container);
    EXPECT_EQ(facts->container->id, kWebId);
    ASSERT_TRUE(facts->networks) << facts->networks.error().message;
    ASSERT_EQ(facts->networks->size(), 1u);
    EXPECT_EQ(facts->networks->at(0).name, "bridge");
    // Ping first; /info runs beside the rest, which depend on each other in this order.
    auto seen = engine.targets_seen();
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front(), "/_ping");
    EXPECT_EQ(std::count(seen.begin(), seen.end(), "/v1.41/info"), 1);
    std::erase(seen, "/v1.41/info");
    EXPECT_EQ(seen, (std::vector<std::string>{"/_ping", "/v1.41/version", "/v1.41/containers/json?all=1",
                                              std::string("/v1.41/containers/") + kWebId + "/json",
                                              "/v1.41/networks/0a09b8327b9ac2e3016dda89f9cbfaba8b97a50898be01269aca7b7f080bcae9"}));
}

// `docker inspect NAME` asks the engine by name; so does a diagnosis, since listing every
// container costs more than the rest of it on a host with hundreds of them.
TEST(DockerCollect, ANameIsAskedOfTheEngineWithoutListingEveryContainer) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine());
    auto facts = collect_facts(options_for(engine.endpoint(), "web"));
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->container->id, kWebId);
    auto seen = engine.targets_seen();
    std::erase(seen, "/v1.41/info");
    EXPECT_EQ(seen, (std::vector<std::string>{"/_ping", "/v1.41/version", "/v1.41/containers/web/json",
                                              "/v1.41/networks/0a09b8327b9ac2e3016dda89f9cbfaba8b97a50898be01269aca7b7f080bcae9"}));
}

// What the engine does not know by the name as given is resolved from the list: an id
// prefix, a name with docker's leading slash, a near miss (with suggestions).
TEST(DockerCollect, WhatTheEngineDoesNotKnowByThatNameIsResolvedFromTheList) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine());
    const std::string prefix(kWebId, 10);
    auto by_prefix = collect_facts(options_for(engine.endpoint(), prefix));
    ASSERT_TRUE(by_prefix) << by_prefix.error().message;
    EXPECT_EQ(by_prefix->container->id, kWebId);
    auto seen = engine.targets_seen();
    std::erase(seen, "/v1.41/info");
    ASSERT_GE(seen.size(), 5u);
    EXPECT_EQ(std::vector<std::string>(seen.begin() + 2, seen.begin() + 5),
              (std::vector<std::string>{"/v1.41/containers/" + prefix + "/json", "/v1.41/containers/json?all=1",
                                        std::string("/v1.41/containers/") + kWebId + "/json"}));

    auto near_miss = collect_facts(options_for(engine.endpoint(), "wbe"));
    ASSERT_FALSE(near_miss);
    EXPECT_EQ(near_miss.error().message, "no such container: wbe (did you mean: web?)");

    // Not a name a container can have: never put in a URL, the list answers.
    auto odd = collect_facts(options_for(engine.endpoint(), "web/../../info?x"));
    ASSERT_FALSE(odd);
    EXPECT_EQ(odd.error().message.rfind("no such container: web/../../info?x", 0), 0u) << odd.error().message;
    for (const auto& target : engine.targets_seen()) EXPECT_EQ(target.find(".."), std::string::npos) << target;
}

TEST(DockerCollect, StoppedContainerHasNoListenersToRead) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine());
    for (const char* name : {"dnd-rec-exited", "dnd-rec-restarting"}) {
        auto facts = collect_facts(options_for(engine.endpoint(), name));
        ASSERT_TRUE(facts) << facts.error().message;
        ASSERT_FALSE(facts->container_listeners) << name;
        EXPECT_EQ(facts->container_listeners.error().source, "procfs");
        EXPECT_EQ(facts->container_listeners.error().message, "container is not running");
    }
}

TEST(DockerCollect, HostAndNoneNetworksAreNotInspected) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine());
    for (const char* name : {"dnd-rec-host", "dnd-rec-none"}) {
        auto facts = collect_facts(options_for(engine.endpoint(), name));
        ASSERT_TRUE(facts) << facts.error().message;
        ASSERT_TRUE(facts->networks) << facts->networks.error().message;
        EXPECT_TRUE(facts->networks->empty());
    }
    for (const auto& target : engine.targets_seen()) EXPECT_FALSE(target.starts_with("/v1.41/networks/")) << target;
}

TEST(DockerCollect, NetworkInspectFailureIsABlindSpotNotAFailure) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock",
                      recorded_engine({{"/v1.41/networks/0a09b8327b9ac2e3016dda89f9cbfaba8b97a50898be01269aca7b7f080bcae9",
                                        http_response(404, R"({"message":"network 0a09 not found"})")}}));
    auto facts = collect_facts(options_for(engine.endpoint()));
    ASSERT_TRUE(facts) << facts.error().message;
    ASSERT_FALSE(facts->networks);
    EXPECT_EQ(facts->networks.error().message,
              "the Docker engine at " + engine.endpoint() +
                  " answered GET /v1.41/networks/0a09b8327b9ac2e3016dda89f9cbfaba8b97a50898be01269aca7b7f080bcae9 "
                  "with HTTP 404: network 0a09 not found");
}

TEST(DockerCollect, InfoFailureIsRecordedAndCollectionGoesOn) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine({{"/v1.41/info", http_response(500, "{}")}}));
    auto facts = collect_facts(options_for(engine.endpoint()));
    ASSERT_TRUE(facts) << facts.error().message;
    ASSERT_FALSE(facts->engine);
    EXPECT_EQ(facts->engine.error().message,
              "the Docker engine at " + engine.endpoint() + " answered GET /v1.41/info with HTTP 500: no error message");
    EXPECT_TRUE(facts->container);
}

TEST(DockerCollect, NegotiatesDownToTheClientMaximum) {
    TempDir dir;
    auto recorded = recorded_engine();
    FakeEngine engine(dir.path() / "docker.sock", [&](const std::string& target) -> testing::FakeReply {
        if (target == "/_ping") return http_response(200, "OK", "1.45");
        if (target == "/v1.43/version") return recorded("/v1.41/version");
        return http_response(400, R"({"message":"unexpected version"})");
    });
    auto message = collect_error(options_for(engine.endpoint()));
    EXPECT_EQ(message, "the Docker engine at " + engine.endpoint() +
                           " answered GET /v1.43/containers/json?all=1 with HTTP 400: unexpected version");
    EXPECT_EQ(engine.targets_seen().at(1), "/v1.43/version");
}

TEST(DockerCollect, UnknownContainerSuggestsNames) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", recorded_engine());
    EXPECT_EQ(collect_error(options_for(engine.endpoint(), "webb")), "no such container: webb (did you mean: web?)");
}

TEST(DockerCollect, NoSocket) {
    TempDir dir;
    const auto endpoint = "unix://" + (dir.path() / "missing.sock").string();
    EXPECT_EQ(collect_error(options_for(endpoint)),
              "cannot connect to the Docker engine at " + endpoint + ": No such file or directory");
}

TEST(DockerCollect, SocketWithNobodyListening) {
    TempDir dir;
    { testing::SilentSocket closed_again(dir.path() / "stale.sock"); }  // the file stays
    const auto endpoint = "unix://" + (dir.path() / "stale.sock").string();
    EXPECT_EQ(collect_error(options_for(endpoint)),
              "cannot connect to the Docker engine at " + endpoint + ": Connection refused");
}

TEST(DockerCollect, TcpPortWithNobodyListening) {
    // An ephemeral loopback port, released again: nothing listens there now.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ::close(fd);
    const auto endpoint = "tcp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    EXPECT_EQ(collect_error(options_for(endpoint)), "cannot connect to the Docker engine at " + endpoint + ": Connection refused");
}

TEST(DockerCollect, EngineThatNeverAnswersTimesOut) {
    TempDir dir;
    testing::SilentSocket silent(dir.path() / "docker.sock");
    const auto endpoint = "unix://" + (dir.path() / "docker.sock").string();
    const auto start = std::chrono::steady_clock::now();
    auto message = collect_error(options_for(endpoint));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(message, "the Docker engine at " + endpoint + " did not answer within 300 ms");
    EXPECT_LT(elapsed, 2s);
    EXPECT_GE(elapsed, 250ms);
}

TEST(DockerCollect, EngineThatTricklesIsCutOffAtTheDeadline) {
    TempDir dir;
    // Each byte comes within the read timeout, the whole body would take 4 s.
    FakeEngine engine(dir.path() / "docker.sock", [](const std::string& target) -> testing::FakeReply {
        if (target == "/_ping") return http_response(200, "OK");
        return {http_response(200, R"({"Version": "20.10.24+dfsg1", "padding": "....."})"), 100ms};
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(collect_error(options_for(engine.endpoint())),
              "the Docker engine at " + engine.endpoint() + " did not answer within 300 ms");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(DockerCollect, GarbageBody) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock",
                      recorded_engine({{"/v1.41/containers/web/json", http_response(200, "\x89PNG\r\n\x1a\n garbage")}}));
    auto message = collect_error(options_for(engine.endpoint()));
    const auto prefix = std::string("malformed response from the Docker engine to GET /v1.41/containers/web/json: not JSON: ");
    EXPECT_TRUE(message.starts_with(prefix)) << message;
}

TEST(DockerCollect, WellFormedJsonOfTheWrongShape) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock",
                      recorded_engine({{"/v1.41/containers/json?all=1", http_response(200, R"({"Id": "x"})")}}));
    // An id prefix: the engine here does not resolve it, the list must.
    EXPECT_EQ(collect_error(options_for(engine.endpoint(), std::string(kWebId, 12))),
              "malformed response from the Docker engine to GET /v1.41/containers/json?all=1: body: expected an "
              "array, got object");
}

TEST(DockerCollect, TruncatedBody) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock", [](const std::string& target) -> testing::FakeReply {
        if (target == "/_ping") return http_response(200, "OK");
        return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                           R"({"Version": "20.)");
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(collect_error(options_for(engine.endpoint())),
              "the Docker engine at " + engine.endpoint() +
                  " closed the connection before the response to GET /v1.41/version was complete");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(DockerCollect, SomethingOtherThanHttpIsSaidSo) {
    TempDir dir;
    // Something else listening on the engine's socket: an SSH banner, say.
    FakeEngine engine(dir.path() / "docker.sock", [](const std::string&) -> testing::FakeReply {
        return std::string("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    });
    EXPECT_EQ(collect_error(options_for(engine.endpoint())),
              "the Docker engine at " + engine.endpoint() +
                  " answered GET /_ping with something other than HTTP: bad version");
}

TEST(DockerCollect, HttpErrorShowsTheEngineMessage) {
    TempDir dir;
    FakeEngine engine(dir.path() / "docker.sock",
                      recorded_engine({{"/v1.41/version", http_response(500, R"({"message": "boom: disk full"})")}}));
    EXPECT_EQ(collect_error(options_for(engine.endpoint())),
              "the Docker engine at " + engine.endpoint() + " answered GET /v1.41/version with HTTP 500: boom: disk full");
}

TEST(DockerCollect, UnsupportedEndpoint) {
    EXPECT_EQ(collect_error(options_for("ssh://me@host")),
              "unsupported Docker endpoint 'ssh://me@host': only unix:///path and tcp://host:port (plain HTTP) are "
              "supported");
}

TEST(DockerCollect, PermissionDeniedOnTheSocket) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a root-only socket and drop to nobody";
    TempDir dir;
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    const auto path = dir.path() / "docker.sock";
    testing::SilentSocket root_only(path);  // no thread: the connect must fail before any accept
    ASSERT_EQ(::chown(path.c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(path.c_str(), 0660), 0);
    const auto endpoint = "unix://" + path.string();

    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        std::string message = "could not drop privileges";
        if (::setgroups(0, nullptr) == 0 && ::setgid(65534) == 0 && ::setuid(65534) == 0) {
            auto r = collect_facts(options_for(endpoint));
            message = r ? "collected" : r.error().message;
        }
        [[maybe_unused]] auto written = ::write(pipe_fds[1], message.data(), message.size());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_EQ(message, "cannot connect to the Docker engine at " + endpoint +
                           ": Permission denied (run as root or as a member of the docker group)");
}

// A name no container has may be a service's: the engine is asked for it by name, and a
// service it does not know (404) or an engine that is no swarm manager (503) is no service,
// not an error; a word that is no name is never put into the request.
TEST(DockerCollect, AServiceIsFoundByNameAndAnEngineWithoutSwarmKnowsNone) {
    TempDir dir;
    const std::string not_a_manager =
        http_response(503, R"({"message":"This node is not a swarm manager. Use \"docker swarm init\" ..."})");
    FakeEngine engine(dir.path() / "docker.sock",
                      recorded_engine({{"/v1.41/services/svc1", http_response(200, testing::read_fixture(
                                                                                        "engine-api/service-ingress.json"))},
                                       {"/v1.41/services/elsewhere", not_a_manager}}));
    auto endpoint = parse_docker_host(engine.endpoint());
    ASSERT_TRUE(endpoint);
    DockerClient client(*endpoint, 1s);
    ASSERT_TRUE(client.negotiate());

    auto found = find_service(client, "svc1");
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->id, "2xu7ao1196kvvyvwuv89ov52l");
    EXPECT_EQ((*found)->name, "svc1");
    ASSERT_TRUE((*found)->ports);
    ASSERT_EQ((*found)->ports->size(), 1u);
    EXPECT_EQ((*found)->ports->front().mode, "ingress");

    for (const char* name : {"nosuch", "elsewhere"}) {
        auto none = find_service(client, name);
        ASSERT_TRUE(none) << name << ": " << none.error().message;
        EXPECT_FALSE(*none) << name;
    }
    auto odd = find_service(client, "svc1/../../info");
    ASSERT_TRUE(odd);
    EXPECT_FALSE(*odd);
    const auto seen = engine.targets_seen();
    EXPECT_EQ(std::count_if(seen.begin(), seen.end(), [](const std::string& t) { return t.find("info") != std::string::npos; }),
              0);
}

// The service's tasks are asked for by its id, the ones still wanted first.
TEST(DockerCollect, AServicesTasksAreReadWantedFirst) {
    TempDir dir;
    const std::string tasks = R"([{"ID":"t2","Slot":2,"DesiredState":"shutdown","Status":{"State":"failed","Err":"oom"}},
                                  {"ID":"t3","Slot":3,"DesiredState":"running","Status":{"State":"running"}},
                                  {"ID":"t1","Slot":1,"DesiredState":"ready","Status":{"State":"rejected"}}])";
    FakeEngine engine(dir.path() / "docker.sock",
                      recorded_engine({{"/v1.41/tasks?filters=%7B%22service%22%3A%5B%22s1%22%5D%7D", http_response(200, tasks)}}));
    auto endpoint = parse_docker_host(engine.endpoint());
    ASSERT_TRUE(endpoint);
    DockerClient client(*endpoint, 1s);
    ASSERT_TRUE(client.negotiate());
    SwarmService service;
    service.id = "s1";
    auto read = read_service_tasks(client, service);
    ASSERT_TRUE(read) << read.error().message;
    std::vector<std::string> order;
    for (const auto& t : *read) order.push_back(t.id);
    EXPECT_EQ(order, (std::vector<std::string>{"t1", "t3", "t2"}));
    service.id = "s1\"]}";
    EXPECT_FALSE(read_service_tasks(client, service));
}

TEST(DockerCollect, ATaskIsKnownByItsServiceLabel) {
    Container task;
    task.labels["com.docker.swarm.service.id"] = "2xu7ao1196kvvyvwuv89ov52l";
    Container plain;
    plain.labels["com.docker.compose.service"] = "web";
    EXPECT_TRUE(is_swarm_task(task));
    EXPECT_TRUE(is_task_of(task, "2xu7ao1196kvvyvwuv89ov52l"));
    EXPECT_FALSE(is_task_of(task, "other"));
    EXPECT_FALSE(is_task_of(task, ""));
    EXPECT_FALSE(is_swarm_task(plain));
    EXPECT_FALSE(is_task_of(plain, "2xu7ao1196kvvyvwuv89ov52l"));
}

}  // namespace
}  // namespace dnd
