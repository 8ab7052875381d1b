// The fast paths of collection give the same facts as the slow ones: the engine version
// from /_ping's Server header instead of /version, TCP listeners from sock_diag instead of
// /proc/net/tcp{,6}, one /proc scan serving several namespaces.
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>

#include <algorithm>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/collect_timings.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/sock_diag.hpp"
#include "fake_proc.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST(ServerHeader, EngineVersionFromDockerServerHeader) {
    EXPECT_EQ(parse_server_header_version("Docker/20.10.24+dfsg1 (linux)"), "20.10.24+dfsg1");
    EXPECT_EQ(parse_server_header_version("Docker/24.0.5"), "24.0.5");
    EXPECT_EQ(parse_server_header_version("Libpod/4.3.1 (linux)"), std::nullopt);  // another engine: ask /version
    EXPECT_EQ(parse_server_header_version(""), std::nullopt);
    EXPECT_EQ(parse_server_header_version("Docker/ (linux)"), std::nullopt);
    EXPECT_EQ(parse_server_header_version("Docker/1.0\x1b[31m (linux)"), std::nullopt);
}

// The recorded engine, every answer with the Server header a real engine sends.
testing::FakeEngine::Responder with_server_header(testing::FakeEngine::Responder inner) {
    return [inner = std::move(inner)](const std::string& target) -> testing::FakeReply {
        auto reply = inner(target);
        const auto line_end = reply.bytes.find("\r\n");
        reply.bytes.insert(line_end + 2, "Server: Docker/20.10.24+dfsg1 (linux)\r\n");
        return reply;
    };
}

TEST(DockerCollectFastPath, ServerHeaderSparesTheVersionRequest) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", with_server_header(testing::recorded_engine()));
    CollectOptions o;
    o.docker_host = engine.endpoint();
    o.timeout = 300ms;
    o.query.container = "web";
    PhaseTimings timings;
    auto facts = collect_facts(o, timings);
    ASSERT_TRUE(facts) << facts.error().message;
    ASSERT_TRUE(facts->engine) << facts->engine.error().message;
    EXPECT_EQ(facts->engine->server_version, "20.10.24+dfsg1");  // what /version says too
    EXPECT_EQ(facts->engine->os, "Debian GNU/Linux 12 (bookworm)");
    ASSERT_TRUE(facts->container);
    ASSERT_TRUE(facts->networks) << facts->networks.error().message;
    for (const auto& target : engine.targets_seen()) EXPECT_NE(target, "/v1.41/version");
    const auto seen = engine.targets_seen();
    EXPECT_EQ(std::count(seen.begin(), seen.end(), "/v1.41/info"), 1);  // beside the container requests
    for (const char* phase : {"collect.engine", "collect.netfilter", "collect.procfs.host", "collect.paths"})
        EXPECT_TRUE(timings.contains(phase)) << phase;
}

// inet_diag messages as the kernel sends them: header, inet_diag_msg, no attributes.
std::vector<std::uint8_t> diag_message(std::uint8_t family, std::uint8_t state, const char* address,
                                       std::uint16_t port, std::uint32_t inode) {
    struct {
        nlmsghdr header;
        inet_diag_msg msg;
    } m{};
    m.header.nlmsg_len = sizeof m;
    m.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    m.msg.idiag_family = family;
    m.msg.idiag_state = state;
    m.msg.id.idiag_sport = htons(port);
    m.msg.idiag_inode = inode;
    EXPECT_EQ(::inet_pton(family, address, m.msg.id.idiag_src), 1);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&m);
    return {bytes, bytes + sizeof m};
}

TEST(SockDiag, ParsesListenersOfTheAskedFamily) {
    auto bytes = diag_message(AF_INET6, TCP_LISTEN, "::", 80, 6510);
    auto mapped = diag_message(AF_INET6, TCP_LISTEN, "::ffff:127.0.0.1", 8080, 6511);
    auto v4 = diag_message(AF_INET, TCP_LISTEN, "127.0.0.1", 81, 6512);
    bytes.insert(bytes.end(), mapped.begin(), mapped.end());
    bytes.insert(bytes.end(), v4.begin(), v4.end());
    auto listeners = parse_tcp_listeners_dump(bytes, 6);
    ASSERT_TRUE(listeners) << listeners.error().message;
    ASSERT_EQ(listeners->size(), 2u);
    EXPECT_EQ((*listeners)[0].address, "::");
    EXPECT_EQ((*listeners)[0].port, 80);
    EXPECT_EQ((*listeners)[0].inode, 6510u);
    EXPECT_EQ((*listeners)[0].family, 6);
    EXPECT_EQ((*listeners)[0].proto, Proto::tcp);
    EXPECT_EQ((*listeners)[1].address, "::ffff:127.0.0.1");  // as /proc/net/tcp6 shows it

    bytes.resize(bytes.size() - 3);
    auto truncated = parse_tcp_listeners_dump(bytes, 6);
    ASSERT_FALSE(truncated);
    EXPECT_EQ(truncated.error().source, "sock_diag");
}

std::string describe(const std::vector<Listener>& listeners) {
    std::string out;
    for (const auto& l : listeners) {
        out += std::string(to_string(l.proto)) + std::to_string(l.family) + " " + l.address + ":" +
               std::to_string(l.port) + " #" + std::to_string(l.inode);
        for (const auto& o : l.owners) out += " " + std::to_string(o.pid) + "/" + o.process;
        out += "\n";
    }
    return out;
}

TEST(SockDiag, SameListenersAsTheProcFiles) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);

    SocketOwnerScan files_scan("/proc"), diag_scan("/proc");
    auto by_files = read_listeners("/proc", 0, files_scan, TcpListenerSource::proc_files);
    auto by_diag = read_listeners("/proc", 0, diag_scan, TcpListenerSource::sock_diag);
    ::close(fd);
    ASSERT_TRUE(by_files) << by_files.error().message;
    ASSERT_TRUE(by_diag) << by_diag.error().message;
    EXPECT_EQ(describe(*by_diag), describe(*by_files));
    const auto ours = "tcp4 127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + " ";
    EXPECT_NE(describe(*by_diag).find(ours), std::string::npos) << describe(*by_diag);
}

TEST(SocketOwnerScan, OneScanServesSeveralNamespacesReadingEachProcessOnce) {
    testing::FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.process(100, "dockerd", 4000, {{3, "socket:[11]"}});
    proc.process(200, "httpd", 5000, {{3, "socket:[22]"}});
    proc.process(300, "docker-proxy", 4000, {{3, "socket:[33]"}});
    SocketOwnerScan scan(proc.root());

    auto host = scan.owners_of({11, 22, 33}, 4000);
    EXPECT_EQ(host.size(), 2u);
    ASSERT_EQ(host.count(33), 1u);
    EXPECT_EQ(host[33].at(0).process, "docker-proxy");

    fs::remove_all(fs::path(proc.root()) / "100" / "fd");  // read already: the scan does not look again
    auto container = scan.owners_of({11, 22, 33}, 5000);
    ASSERT_EQ(container.size(), 1u);
    EXPECT_EQ(container[22].at(0).pid, 200);
    auto everyone = scan.owners_of({11, 22, 33}, 0);
    EXPECT_EQ(everyone.size(), 3u);
    EXPECT_EQ(everyone.count(11), 1u);
}

}  // namespace
}  // namespace dnd
