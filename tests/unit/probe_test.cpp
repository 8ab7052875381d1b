// The probe engine against real sockets on loopback, and inside namespaces the test creates.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"
#include "loopback_sockets.hpp"
#include "scratch_netns.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using dnd::testing::bind_loopback;
using dnd::testing::BoundSocket;
using dnd::testing::tcp_listener;

ProbeOutcome probe_one(const std::string& address, std::uint16_t port, Proto proto,
                       std::chrono::milliseconds deadline = 1000ms) {
    const ProbeTarget target{address, port, proto, "test"};
    auto outcomes = probe_batch(std::span(&target, 1), deadline);
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.empty() ? ProbeOutcome{} : outcomes.front();
}

// Accepts one connection (waiting at most 2 s), then lets `respond` handle it.
template <class Respond>
std::thread serve_once(int listener, Respond respond) {
    return std::thread([listener, respond] {
        pollfd ready{listener, POLLIN, 0};
        if (::poll(&ready, 1, 2000) != 1) return;
        UniqueFd client(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
        if (client.get() >= 0) respond(client.get());
    });
}

TEST(ProbeTcp, ListenerIsOpen) {
    BoundSocket listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    auto outcome = probe_one("127.0.0.1", listener.port, Proto::tcp);
    EXPECT_EQ(outcome.outcome, ProbeStatus::open) << outcome.detail;
    EXPECT_GE(outcome.latency_ms, 0.0);
    EXPECT_LT(outcome.latency_ms, 1000.0);
    EXPECT_EQ(outcome.target.vantage, "test");
}

TEST(ProbeTcp, Ipv6ListenerIsOpen) {
    BoundSocket listener = tcp_listener(AF_INET6);
    if (listener.port == 0) GTEST_SKIP() << "no ::1 here";
    EXPECT_EQ(probe_one("::1", listener.port, Proto::tcp).outcome, ProbeStatus::open);
    EXPECT_EQ(probe_one("[::1]", listener.port, Proto::tcp).outcome, ProbeStatus::open);
}

TEST(ProbeTcp, BoundButNotListeningIsRefused) {
    BoundSocket bound = bind_loopback(AF_INET, SOCK_STREAM);  // holds the port, accepts nothing
    ASSERT_NE(bound.port, 0);
    auto outcome = probe_one("127.0.0.1", bound.port, Proto::tcp);
    EXPECT_EQ(outcome.outcome, ProbeStatus::refused) << outcome.detail;
    EXPECT_EQ(outcome.detail, "connection refused");
}

TEST(ProbeTcp, AcceptThenAbortIsReset) {
    BoundSocket listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    std::thread server = serve_once(listener.fd.get(), [](int client) {
        const linger abort_on_close{1, 0};  // close() sends RST
        ::setsockopt(client, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    });
    auto outcome = probe_one("127.0.0.1", listener.port, Proto::tcp);
    server.join();
    EXPECT_EQ(outcome.outcome, ProbeStatus::reset) << outcome.detail;
    EXPECT_NE(outcome.detail.find("reset by the peer"), std::string::npos) << outcome.detail;
}

// What docker-proxy does when it cannot reach the container: accept, then close.
TEST(ProbeTcp, AcceptThenCloseWithoutDataIsReset) {
    BoundSocket listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    std::thread server = serve_once(listener.fd.get(), [](int) {});
    auto outcome = probe_one("127.0.0.1", listener.port, Proto::tcp);
    server.join();
    EXPECT_EQ(outcome.outcome, ProbeStatus::reset) << outcome.detail;
    EXPECT_NE(outcome.detail.find("closed by the peer without data"), std::string::npos) << outcome.detail;
}

TEST(ProbeTcp, ServiceThatSpeaksFirstIsOpen) {
    BoundSocket listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    std::thread server = serve_once(listener.fd.get(), [](int client) {
        ::send(client, "SSH-2.0-test\r\n", 14, MSG_NOSIGNAL);
        pollfd wait_for_close{client, POLLIN, 0};
        ::poll(&wait_for_close, 1, 2000);  // keep the connection until the prober closes it
    });
    auto outcome = probe_one("127.0.0.1", listener.port, Proto::tcp);
    server.join();
    EXPECT_EQ(outcome.outcome, ProbeStatus::open) << outcome.detail;
    EXPECT_EQ(outcome.detail, "connected; the service sent data");
}

TEST(ProbeBatch, OutcomesFollowTargetOrderAndBadAddressesAreErrors) {
    BoundSocket listener = tcp_listener();
    BoundSocket not_listening = bind_loopback(AF_INET, SOCK_STREAM);
    ASSERT_NE(listener.port, 0);
    ASSERT_NE(not_listening.port, 0);
    const std::vector<ProbeTarget> targets{
        {"127.0.0.1", not_listening.port, Proto::tcp, "host"},
        {"web.example", 80, Proto::tcp, "host"},
        {"127.0.0.1", listener.port, Proto::tcp, "host"},
    };
    auto outcomes = probe_batch(targets, 1000ms);
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].outcome, ProbeStatus::refused);
    EXPECT_EQ(outcomes[1].outcome, ProbeStatus::error);
    EXPECT_EQ(outcomes[1].detail, "not a numeric IP address: web.example");
    EXPECT_EQ(outcomes[2].outcome, ProbeStatus::open);
    EXPECT_EQ(outcomes[2].target.port, listener.port);
    EXPECT_TRUE(probe_batch({}, 1000ms).empty());
}

// Starting a large batch on a busy host can take longer than a deadline. A probe whose
// handshake completed meanwhile is open: its socket says so, whatever the clock says by the
// time the loop reads it. Here each socket after the first takes longer to make than the
// whole deadline.
TEST(ProbeBatch, AProbeIsJudgedByItsSocketNotByHowLongTheOthersTookToStart) {
    BoundSocket listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    const std::vector<ProbeTarget> targets(3, ProbeTarget{"127.0.0.1", listener.port, Proto::tcp, "host"});
    constexpr auto kDeadline = 40ms;
    const auto slow_maker = [&](std::size_t index, int family, int type) -> Result<UniqueFd> {
        if (index > 0) std::this_thread::sleep_for(kDeadline + 20ms);
        UniqueFd socket(::socket(family, type, 0));
        if (!socket.valid()) return fail("test", "socket");
        return socket;
    };
    const auto outcomes = probe_batch_made_by(targets, kDeadline, 0ms, slow_maker);
    ASSERT_EQ(outcomes.size(), 3u);
    for (const auto& outcome : outcomes) EXPECT_EQ(outcome.outcome, ProbeStatus::open) << outcome.detail;
}

TEST(ProbeUdp, NoSocketOnThePortIsClosed) {
    std::uint16_t port = 0;
    {
        BoundSocket released = bind_loopback(AF_INET, SOCK_DGRAM);  // a port nobody holds now
        port = released.port;
    }
    ASSERT_NE(port, 0);
    auto outcome = probe_one("127.0.0.1", port, Proto::udp);
    EXPECT_EQ(outcome.outcome, ProbeStatus::closed) << outcome.detail;
    EXPECT_EQ(outcome.detail, "ICMP port unreachable from 127.0.0.1");
    EXPECT_LT(outcome.latency_ms, 500.0);
}

TEST(ProbeUdp, Ipv6NoSocketIsClosed) {
    std::uint16_t port = 0;
    {
        BoundSocket released = bind_loopback(AF_INET6, SOCK_DGRAM);
        port = released.port;
    }
    if (port == 0) GTEST_SKIP() << "no ::1 here";
    auto outcome = probe_one("::1", port, Proto::udp);
    EXPECT_EQ(outcome.outcome, ProbeStatus::closed) << outcome.detail;
    EXPECT_EQ(outcome.detail, "ICMP port unreachable from ::1");
}

TEST(ProbeUdp, SilentSocketIsOpenFiltered) {
    BoundSocket silent = bind_loopback(AF_INET, SOCK_DGRAM);
    ASSERT_NE(silent.port, 0);
    const auto started = Clock::now();
    auto outcome = probe_one("127.0.0.1", silent.port, Proto::udp, 300ms);
    const auto elapsed = Clock::now() - started;
    EXPECT_EQ(outcome.outcome, ProbeStatus::open_filtered) << outcome.detail;
    EXPECT_GE(outcome.latency_ms, 300.0);
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 1000ms);
    std::array<char, 64> datagram{};  // the probe really sent something
    EXPECT_GT(::recv(silent.fd.get(), datagram.data(), datagram.size(), MSG_DONTWAIT), 0);
}

TEST(ProbeUdp, AnsweringSocketIsOpen) {
    BoundSocket echo = bind_loopback(AF_INET, SOCK_DGRAM);
    ASSERT_NE(echo.port, 0);
    std::thread server([fd = echo.fd.get()] {
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, 2000) != 1) return;
        std::array<char, 512> buffer{};
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&peer), &length);
        if (n > 0) ::sendto(fd, buffer.data(), static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&peer), length);
    });
    auto outcome = probe_one("127.0.0.1", echo.port, Proto::udp);
    server.join();
    EXPECT_EQ(outcome.outcome, ProbeStatus::open) << outcome.detail;
}

TEST(ProbeJson, OutcomeSerializesWithTargetAndRoundTrips) {
    ProbeOutcome outcome{{"::1", 8080, Proto::tcp, "host"}, ProbeStatus::open_filtered, 12.5, "silence"};
    nlohmann::json j = outcome;
    EXPECT_EQ(j, nlohmann::json::parse(R"({"target": {"address": "::1", "port": 8080, "proto": "tcp",
        "vantage": "host"}, "outcome": "open_filtered", "latency_ms": 12.5, "detail": "silence"})"));
    auto back = j.get<ProbeOutcome>();
    EXPECT_EQ(back.outcome, ProbeStatus::open_filtered);
    EXPECT_EQ(back.target.address, "::1");
    j["outcome"] = "maybe";
    EXPECT_THROW(j.get<ProbeOutcome>(), nlohmann::json::exception);
}

// ---- inside network namespaces the test creates (root only) ----


// A scratch namespace with lo up and an nft ruleset loaded into it.
struct ProbeNetns : dnd::testing::ScratchNetns {
    ProbeNetns() : ScratchNetns("probe-test") {}
};
std::string own_netns() {
    std::array<char, 64> link{};
    ssize_t n = ::readlink("/proc/thread-self/ns/net", link.data(), link.size() - 1);
    return n > 0 ? std::string(link.data(), static_cast<std::size_t>(n)) : std::string();
}

constexpr std::uint16_t kDroppedFirst = 20000;
constexpr int kDroppedCount = 50;

// Loopback TCP to ports 20000-20049 is dropped in the scratch namespace: silent ports.
bool drop_dropped_ports(const dnd::testing::ScratchNetns& netns) {
    return netns.exec("nft 'add table inet dndprobe; "
                     "add chain inet dndprobe input { type filter hook input priority 0; policy accept; }; "
                     "add rule inet dndprobe input iif lo tcp dport 20000-20049 drop'");
}

TEST(ProbeNetns, DroppedPortsTimeOutTogetherUnderOneDeadline) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    ProbeNetns netns;
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
    ASSERT_TRUE(drop_dropped_ports(netns));
    std::vector<ProbeTarget> targets;
    for (int i = 0; i < kDroppedCount; ++i)
        targets.push_back({"127.0.0.1", static_cast<std::uint16_t>(kDroppedFirst + i), Proto::tcp, "scratch netns"});
    targets.push_back({"127.0.0.1", kDroppedFirst + kDroppedCount, Proto::tcp, "scratch netns"});  // not dropped

    const std::string netns_before = own_netns();
    const auto started = Clock::now();
    auto outcomes = probe_batch_in_netns(netns.path(), targets, 500ms);
    const auto elapsed = Clock::now() - started;

    ASSERT_TRUE(outcomes.has_value()) << outcomes.error().message;
    ASSERT_EQ(outcomes->size(), targets.size());
    auto count = [&](ProbeStatus s) {
        return std::count_if(outcomes->begin(), outcomes->end(), [&](const ProbeOutcome& o) { return o.outcome == s; });
    };
    EXPECT_EQ(count(ProbeStatus::timeout), kDroppedCount);
    EXPECT_EQ(outcomes->back().outcome, ProbeStatus::refused) << outcomes->back().detail;
    EXPECT_EQ(outcomes->front().detail, "no answer within 500 ms");
    EXPECT_GE(outcomes->front().latency_ms, 500.0);
    EXPECT_GE(elapsed, 500ms);
    EXPECT_LT(elapsed, 1500ms);
    EXPECT_EQ(own_netns(), netns_before);  // the calling thread never left its namespace
}

// RLIMIT_NOFILE lowered for one test: room for `spare` descriptors beside those open now.
class FdLimit {
public:
    explicit FdLimit(std::size_t spare) {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        std::size_t open = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++open;
        rlimit lowered = saved_;
        lowered.rlim_cur = open + spare;
        ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
    }
    ~FdLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
    FdLimit(const FdLimit&) = delete;
    FdLimit& operator=(const FdLimit&) = delete;
    bool ok() const { return ok_; }

private:
    rlimit saved_{};
    bool ok_ = false;
};

// Far more targets than descriptors: none ends in EMFILE, every outcome is the real one.
TEST(ProbeBatch, MoreTargetsThanDescriptorsAreProbedInTurn) {
    BoundSocket listener = tcp_listener();
    BoundSocket not_listening = bind_loopback(AF_INET, SOCK_STREAM);
    ASSERT_NE(listener.port, 0);
    ASSERT_NE(not_listening.port, 0);
    std::vector<ProbeTarget> targets;
    for (int i = 0; i < 500; ++i) targets.push_back({"127.0.0.1", not_listening.port, Proto::tcp, "host"});
    targets.push_back({"127.0.0.1", listener.port, Proto::tcp, "host"});
    FdLimit limit(24);  // the reserve (16), the epoll descriptor and a window of a few sockets
    ASSERT_TRUE(limit.ok());
    const auto outcomes = probe_batch(targets, 1000ms, 0ms);
    ASSERT_EQ(outcomes.size(), targets.size());
    for (std::size_t i = 0; i + 1 < outcomes.size(); ++i)
        ASSERT_EQ(outcomes[i].outcome, ProbeStatus::refused) << i << ": " << outcomes[i].detail;
    EXPECT_EQ(outcomes.back().outcome, ProbeStatus::open) << outcomes.back().detail;
}

// Silent ports beyond the window wait their turn: each still gets the whole timeout, and
// the batch takes one timeout per window-full, not one per port.
TEST(ProbeNetns, DroppedPortsBeyondTheDescriptorBudgetTimeOutInTurns) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    ProbeNetns netns;
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
    ASSERT_TRUE(drop_dropped_ports(netns));
    std::vector<ProbeTarget> targets;
    for (int i = 0; i < 30; ++i)
        targets.push_back({"127.0.0.1", static_cast<std::uint16_t>(kDroppedFirst + i), Proto::tcp, "scratch netns"});
    std::optional<Result<std::vector<ProbeOutcome>>> outcomes;
    const auto started = Clock::now();
    {
        // The netns thread opens its namespace descriptor too: room for it and ~10 sockets.
        FdLimit limit(16 + 1 + 1 + 10);
        ASSERT_TRUE(limit.ok());
        outcomes = probe_batch_in_netns(netns.path(), targets, 300ms);
    }
    const auto elapsed = Clock::now() - started;
    ASSERT_TRUE(outcomes->has_value()) << (*outcomes).error().message;
    for (const ProbeOutcome& o : **outcomes) {
        EXPECT_EQ(o.outcome, ProbeStatus::timeout) << o.detail;
        EXPECT_GE(o.latency_ms, 300.0);
    }
    EXPECT_GE(elapsed, 900ms);   // at least three turns of ~10
    EXPECT_LT(elapsed, 2500ms);  // not one per port (9 s)
}

TEST(ProbeNetns, ProbesSeeTheNamespacesOwnLoopback) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    ProbeNetns netns;
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
    BoundSocket host_listener = tcp_listener();  // exists on the host's loopback only
    ASSERT_NE(host_listener.port, 0);
    const ProbeTarget target{"127.0.0.1", host_listener.port, Proto::tcp, "scratch netns"};
    auto inside = probe_batch_in_netns(netns.path(), std::span(&target, 1), 500ms);
    ASSERT_TRUE(inside.has_value()) << inside.error().message;
    EXPECT_EQ(inside->at(0).outcome, ProbeStatus::refused);
    EXPECT_EQ(probe_one("127.0.0.1", host_listener.port, Proto::tcp).outcome, ProbeStatus::open);
}

TEST(ProbeNetns, BadNamespacePathsAreErrors) {
    const ProbeTarget target{"127.0.0.1", 1, Proto::tcp, "nowhere"};
    auto missing = probe_batch_in_netns("/run/netns/dnd-no-such-namespace", std::span(&target, 1), 100ms);
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().source, "probe");
    EXPECT_EQ(missing.error().message,
              "cannot open network namespace /run/netns/dnd-no-such-namespace: No such file or directory");

    auto not_net = probe_batch_in_netns("/proc/self/ns/uts", std::span(&target, 1), 100ms);
    ASSERT_FALSE(not_net.has_value());
    EXPECT_EQ(not_net.error().message, "/proc/self/ns/uts is not a network namespace");
}

// What probing in netns_path reports to a process running as nobody (uid 65534).
std::string unprivileged_probe_error(const char* netns_path) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return "pipe failed";
    const pid_t child = ::fork();
    if (child < 0) return "fork failed";
    if (child == 0) {
        ::close(pipe_fds[0]);
        std::string message = "could not drop privileges";
        if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
            const ProbeTarget target{"127.0.0.1", 1, Proto::tcp, "x"};
            auto result = probe_batch_in_netns(netns_path, std::span(&target, 1), 100ms);
            message = result ? std::string("entered") : result.error().source + ": " + result.error().message;
        }
        [[maybe_unused]] auto written = ::write(pipe_fds[1], message.data(), message.size());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string message;
    std::array<char, 512> buffer{};
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer.data(), buffer.size())) > 0;)
        message.append(buffer.data(), static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return message;
}

TEST(ProbeNetns, WithoutPrivilegeEnteringIsAnError) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    // Its own namespace opens; setns() is what needs CAP_SYS_ADMIN.
    EXPECT_EQ(unprivileged_probe_error("/proc/self/ns/net"),
              "probe: cannot enter network namespace /proc/self/ns/net: Operation not permitted "
              "(needs root or CAP_SYS_ADMIN)");
}

TEST(ProbeNetns, WithoutPrivilegeAnotherUsersNamespaceDoesNotOpen) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    struct stat init {};
    if (::stat("/proc/1", &init) != 0 || init.st_uid == 65534) GTEST_SKIP() << "PID 1 must belong to another user";
    // A root process's namespace: the open is the ptrace-mode check, not setns().
    EXPECT_EQ(unprivileged_probe_error("/proc/1/ns/net"),
              "probe: cannot open network namespace /proc/1/ns/net: Permission denied "
              "(needs root or CAP_SYS_PTRACE)");
}

// One batch across namespaces: each target's socket is made in its own namespace, so the
// same address and port give each namespace's own answer; the caller's namespace never
// changes, and a namespace that cannot be entered is an error for its targets alone.
TEST(ProbeNetns, OneBatchAcrossNamespacesAnswersForEachNamespace) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    ProbeNetns netns;
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
    BoundSocket host_listener = tcp_listener();  // on the caller's loopback only
    ASSERT_NE(host_listener.port, 0);
    const std::string before = own_netns();
    const std::vector<ProbeTarget> targets{
        {"127.0.0.1", host_listener.port, Proto::tcp, "scratch"},
        {"127.0.0.1", host_listener.port, Proto::tcp, "here"},
        {"127.0.0.1", host_listener.port, Proto::tcp, "nowhere"},
        {"127.0.0.1", host_listener.port, Proto::tcp, "scratch again"},
    };
    const std::vector<std::string> netns_paths{netns.path(), "", "/run/netns/dnd-no-such-namespace", netns.path()};

    const SpreadBatch batch = probe_batch_across_namespaces(targets, netns_paths, 500ms);

    ASSERT_EQ(batch.outcomes.size(), 4u);
    EXPECT_EQ(batch.outcomes[0].outcome, ProbeStatus::refused) << batch.outcomes[0].detail;
    EXPECT_EQ(batch.outcomes[1].outcome, ProbeStatus::open) << batch.outcomes[1].detail;
    EXPECT_EQ(batch.outcomes[2].outcome, ProbeStatus::error);
    EXPECT_EQ(batch.outcomes[2].detail,
              "cannot open network namespace /run/netns/dnd-no-such-namespace: No such file or directory");
    EXPECT_EQ(batch.outcomes[3].outcome, ProbeStatus::refused) << batch.outcomes[3].detail;
    ASSERT_EQ(batch.unenterable.size(), 1u);
    EXPECT_EQ(batch.unenterable.begin()->first, "/run/netns/dnd-no-such-namespace");
    EXPECT_EQ(own_netns(), before);
}

// Silent ports in two namespaces and more of them than descriptors: one budget, in turns,
// and still about one deadline per turn, not one per namespace or per port.
TEST(ProbeNetns, OneBatchAcrossNamespacesKeepsOneDescriptorBudget) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    ProbeNetns first;
    dnd::testing::ScratchNetns second("probe-test-2");
    if (!first.ok() || !second.ok()) GTEST_SKIP() << "cannot create network namespaces here";
    ASSERT_TRUE(drop_dropped_ports(first));
    ASSERT_TRUE(drop_dropped_ports(second));
    std::vector<ProbeTarget> targets;
    std::vector<std::string> netns_paths;
    for (const std::string& path : {first.path(), second.path()})
        for (int i = 0; i < kDroppedCount; ++i) {
            targets.push_back({"127.0.0.1", static_cast<std::uint16_t>(kDroppedFirst + i), Proto::tcp, path});
            netns_paths.push_back(path);
        }
    SpreadBatch batch;
    const auto started = Clock::now();
    {
        // The reserve, the epoll descriptor, the batch's own namespace, one namespace being
        // entered, and 40 sockets.
        FdLimit limit(16 + 1 + 1 + 1 + 40);
        ASSERT_TRUE(limit.ok());
        batch = probe_batch_across_namespaces(targets, netns_paths, 300ms);
    }
    const auto elapsed = Clock::now() - started;
    ASSERT_EQ(batch.outcomes.size(), targets.size());
    for (const auto& o : batch.outcomes) EXPECT_EQ(o.outcome, ProbeStatus::timeout) << o.target.vantage << " " << o.detail;
    EXPECT_GE(elapsed, 600ms);   // 100 silent ports, 40 at a time: three turns
    EXPECT_LT(elapsed, 2500ms);  // not one per port (30 s)
}

}  // namespace
}  // namespace dnd
