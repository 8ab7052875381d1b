// A crowded ladder batch (--all's) against a real listener that never accepts: its probes
// go half-open, so they all read open however small the listener's accept queue, and the
// app is handed no connection. Raw sockets need root.
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "docknetdoctor/probe/probe_ladder.hpp"
#include "loopback_sockets.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;

LadderProbe published(std::string address, std::uint16_t port, PortKey of) {
    LadderProbe p;
    p.port = of;
    p.rung = Rung::host_published;
    p.probe.target = ProbeTarget{std::move(address), port, Proto::tcp, "the host"};
    return p;
}

TEST(CrowdedLadder, ProbesBeyondAListenersBacklogAllReadOpenAndTheAppIsHandedNone) {
    if (::geteuid() != 0) GTEST_SKIP() << "raw sockets need root";
    auto listener = dnd::testing::tcp_listener_any_ipv4();  // backlog 16, and nothing ever accepts
    ASSERT_NE(listener.port, 0);
    auto closed = dnd::testing::bind_any_ipv4(SOCK_STREAM);  // bound, not listening
    ASSERT_NE(closed.port, 0);
    // One ladder per "container", each with a rung to the listener and one to the closed
    // port, each from its own loopback address: 80 probes, more than kCrowdedBatch, 40 of
    // them at a queue that holds 17.
    std::vector<LadderPlan> plans;
    for (std::uint16_t c = 0; c < 40; ++c) {
        const std::string address = fmt::format("127.0.0.{}", c + 1);
        const PortKey port{static_cast<std::uint16_t>(1000 + c), Proto::tcp};
        LadderPlan plan;
        plan.outside.push_back(published(address, listener.port, port));
        plan.outside.push_back(published(address, closed.port, port));
        plans.push_back(std::move(plan));
    }
    ASSERT_GT(plans.size() * 2, kCrowdedBatch);

    const auto results = run_ladder_plans(plans, 500ms);
    ASSERT_EQ(results.size(), plans.size());
    for (const auto& result : results) {
        ASSERT_TRUE(result.has_value());
        ASSERT_EQ(result->size(), 2u);
        for (const LadderProbe& p : *result) {
            const bool to_listener = p.probe.target.port == listener.port;
            EXPECT_EQ(p.probe.outcome, to_listener ? ProbeStatus::open : ProbeStatus::refused) << p.probe.detail;
            if (to_listener) {
                EXPECT_NE(p.probe.detail.find("half-open"), std::string::npos) << p.probe.detail;
            }
        }
    }
    pollfd ready{listener.fd.get(), POLLIN, 0};
    EXPECT_EQ(::poll(&ready, 1, 200), 0) << "a probe left a connection in the app's accept queue";
}

}  // namespace
}  // namespace dnd
