// Half-open probes against real listeners on loopback and in a namespace the test creates:
// they answer as a connect would (open, refused) and the app's accept queue stays empty;
// whatever they cannot answer is left for a connect. Raw sockets need root.
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "docknetdoctor/probe/half_open.hpp"
#include "docknetdoctor/probe/probe.hpp"
#include "loopback_sockets.hpp"
#include "scratch_netns.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using dnd::testing::bind_loopback;
using dnd::testing::tcp_listener;

// Whether a connection waits in the listener's accept queue (within `wait`).
bool accept_queue_holds_one(int listener, std::chrono::milliseconds wait) {
    pollfd ready{listener, POLLIN, 0};
    return ::poll(&ready, 1, static_cast<int>(wait.count())) == 1;
}

// Half-open connections to `port` the listener still holds (SYN_RECV, "03" in
// /proc/net/tcp and tcp6): one stays for a minute, resending its SYN-ACK, unless this host
// reset it.
int syn_received_on(std::uint16_t port) {
    int count = 0;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // the header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            fields >> slot >> local >> remote >> state;
            const auto colon = local.rfind(':');
            if (colon != std::string::npos && std::stoul(local.substr(colon + 1), nullptr, 16) == port && state == "03")
                ++count;
        }
    }
    return count;
}

// Whether the listener on `port` is left with no half-open connection within a second.
bool no_syn_received_left(std::uint16_t port) {
    const auto until = Clock::now() + 1s;
    while (syn_received_on(port) != 0) {
        if (Clock::now() > until) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

std::optional<ProbeOutcome> half_open_one(const ProbeTarget& target, const std::string& netns_path = "",
                                          std::chrono::milliseconds window = 500ms) {
    const std::vector<std::string> paths{netns_path};
    auto answers = probe_half_open(std::span(&target, 1), paths, window);
    EXPECT_EQ(answers.size(), 1u);
    return answers.empty() ? std::nullopt : answers.front();
}

TEST(HalfOpen, AListenerIsOpenAndItsAppNeverSeesTheProbe) {
    if (::geteuid() != 0) GTEST_SKIP() << "raw sockets need root";
    auto listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    const ProbeTarget target{"127.0.0.1", listener.port, Proto::tcp, "the host"};

    const auto answer = half_open_one(target);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->outcome, ProbeStatus::open);
    EXPECT_EQ(answer->target.port, listener.port);
    EXPECT_GT(answer->latency_ms, 0.0);
    EXPECT_NE(answer->detail.find("half-open"), std::string::npos) << answer->detail;
    EXPECT_FALSE(accept_queue_holds_one(listener.fd.get(), 200ms));
    EXPECT_TRUE(no_syn_received_left(listener.port));  // this host reset the SYN-ACK

    // The same listener probed with a connect does get a connection: the check above can fail.
    auto connected = probe_batch(std::span(&target, 1), 500ms, 0ms);
    ASSERT_EQ(connected.size(), 1u);
    EXPECT_EQ(connected.front().outcome, ProbeStatus::open);
    EXPECT_TRUE(accept_queue_holds_one(listener.fd.get(), 200ms));
}

TEST(HalfOpen, AnIpv6ListenerIsOpenAndItsAppNeverSeesTheProbe) {
    if (::geteuid() != 0) GTEST_SKIP() << "raw sockets need root";
    auto listener = tcp_listener(AF_INET6);
    if (listener.port == 0) GTEST_SKIP() << "no ::1 here";
    const auto answer = half_open_one({"::1", listener.port, Proto::tcp, "the host"});
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->outcome, ProbeStatus::open);
    EXPECT_FALSE(accept_queue_holds_one(listener.fd.get(), 200ms));
    EXPECT_TRUE(no_syn_received_left(listener.port));
}

TEST(HalfOpen, APortNothingListensOnIsRefusedAsAConnectSaysIt) {
    if (::geteuid() != 0) GTEST_SKIP() << "raw sockets need root";
    auto bound = bind_loopback(AF_INET, SOCK_STREAM);  // holds the port, listens on nothing
    ASSERT_NE(bound.port, 0);
    const ProbeTarget target{"127.0.0.1", bound.port, Proto::tcp, "the host"};
    const auto answer = half_open_one(target);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->outcome, ProbeStatus::refused);
    const auto connected = probe_batch(std::span(&target, 1), 500ms, 0ms);
    ASSERT_EQ(connected.size(), 1u);
    EXPECT_EQ(answer->outcome, connected.front().outcome);
    EXPECT_EQ(answer->detail, connected.front().detail);
}

TEST(HalfOpen, WhatItCannotAnswerIsLeftForAConnect) {
    if (::geteuid() != 0) GTEST_SKIP() << "raw sockets need root";
    auto listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    const std::vector<ProbeTarget> targets{
        {"127.0.0.1", listener.port, Proto::udp, "the host"},          // not TCP
        {"not-an-address", listener.port, Proto::tcp, "the host"},     // not an address
        {"127.0.0.1", listener.port, Proto::tcp, "nowhere"},           // its namespace is gone
        {"127.0.0.1", listener.port, Proto::tcp, "the host"},
    };
    const std::vector<std::string> paths{"", "", "/run/netns/dnd-no-such-namespace", ""};
    const auto answers = probe_half_open(targets, paths, 300ms);
    ASSERT_EQ(answers.size(), 4u);
    EXPECT_FALSE(answers[0].has_value());
    EXPECT_FALSE(answers[1].has_value());
    EXPECT_FALSE(answers[2].has_value());
    ASSERT_TRUE(answers[3].has_value());
    EXPECT_EQ(answers[3]->outcome, ProbeStatus::open);
}

// A dropped port gets no answer: it is left for a connect once the window ends, while a
// port of the same namespace that answers does not wait for it. The SYNs leave from the
// namespace's own loopback, not the caller's.
TEST(HalfOpen, InANamespaceADroppedPortWaitsTheWindowAndIsLeftForAConnect) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    dnd::testing::ScratchNetns netns("half-open-test");
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace here";
    ASSERT_TRUE(netns.exec("nft 'add table inet dndhalfopen; "
                           "add chain inet dndhalfopen input { type filter hook input priority 0; policy accept; }; "
                           "add rule inet dndhalfopen input iif lo tcp dport 20001 drop'"));
    auto host_listener = tcp_listener();  // on the caller's loopback: not the namespace's
    ASSERT_NE(host_listener.port, 0);
    const std::vector<ProbeTarget> targets{
        {"127.0.0.1", 20001, Proto::tcp, "scratch"},
        {"127.0.0.1", host_listener.port, Proto::tcp, "scratch"},
    };
    const std::vector<std::string> paths{netns.path(), netns.path()};
    const auto started = Clock::now();
    const auto answers = probe_half_open(targets, paths, 400ms);
    const auto took = Clock::now() - started;
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_FALSE(answers[0].has_value());
    ASSERT_TRUE(answers[1].has_value());
    EXPECT_EQ(answers[1]->outcome, ProbeStatus::refused);  // nothing listens there in the namespace
    EXPECT_GE(took, 400ms);
    EXPECT_LT(took, 2000ms);
}

// The same target twice from one namespace is one SYN, and both get its answer.
TEST(HalfOpen, TheSameTargetTwiceGetsOneAnswerForBoth) {
    if (::geteuid() != 0) GTEST_SKIP() << "raw sockets need root";
    auto listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    const std::vector<ProbeTarget> targets{{"127.0.0.1", listener.port, Proto::tcp, "first"},
                                           {"127.0.0.1", listener.port, Proto::tcp, "second"}};
    const std::vector<std::string> paths{"", ""};
    const auto answers = probe_half_open(targets, paths, 300ms);
    ASSERT_EQ(answers.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        ASSERT_TRUE(answers[i].has_value()) << i;
        EXPECT_EQ(answers[i]->outcome, ProbeStatus::open);
        EXPECT_EQ(answers[i]->target.vantage, targets[i].vantage);
    }
}

// Without CAP_NET_RAW (as nobody) no raw socket opens: every target is left for a connect,
// which needs no privilege on the caller's own namespace.
TEST(HalfOpen, WithoutRawSocketsEverythingIsLeftForAConnect) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    auto listener = tcp_listener();
    ASSERT_NE(listener.port, 0);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        char verdict = 'p';  // could not drop privileges
        if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
            const ProbeTarget target{"127.0.0.1", listener.port, Proto::tcp, "the host"};
            const std::vector<std::string> paths{""};
            verdict = probe_half_open(std::span(&target, 1), paths, 200ms).front().has_value() ? 'a' : 'n';
        }
        [[maybe_unused]] auto written = ::write(pipe_fds[1], &verdict, 1);
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    char verdict = '?';
    [[maybe_unused]] auto got = ::read(pipe_fds[0], &verdict, 1);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_EQ(verdict, 'n');  // n: not answered, left for a connect
}

}  // namespace
}  // namespace dnd
