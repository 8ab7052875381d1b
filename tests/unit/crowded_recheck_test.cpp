// recheck_crowded_timeouts: which probes of a crowded batch are probed again, from where,
// and what the user then sees. The batch itself is replaced by a recording stand-in.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "docknetdoctor/probe/probe_ladder.hpp"

namespace dnd {
namespace {

constexpr PortKey kWeb{80, Proto::tcp};

LadderProbe probe(Rung rung, std::string address, std::uint16_t port, ProbeStatus outcome, PortKey of = kWeb) {
    LadderProbe p;
    p.port = of;
    p.rung = rung;
    p.probe.target = ProbeTarget{std::move(address), port, of.proto, "the host"};
    p.probe.outcome = outcome;
    p.probe.detail = outcome == ProbeStatus::timeout ? "no answer within 2000 ms" : "connected";
    return p;
}

struct Recorder {
    std::vector<ProbeTarget> targets;
    std::vector<std::string> netns_paths;
    ProbeStatus answer = ProbeStatus::open;

    Reprobe reprobe() {
        return [this](std::span<const ProbeTarget> again, std::span<const std::string> netns) {
            targets.assign(again.begin(), again.end());
            netns_paths.assign(netns.begin(), netns.end());
            std::vector<ProbeOutcome> out;
            for (const auto& t : again) out.push_back({t, answer, 1.5, answer == ProbeStatus::open ? "connected" : "no answer within 2000 ms"});
            return out;
        };
    }
};

struct Ladders {
    std::vector<LadderPlan> plans{LadderPlan{"/proc/4242/ns/net", {}, {}}};
    std::vector<std::vector<LadderProbe>> insides{{probe(Rung::container_loopback, "127.0.0.1", 80, ProbeStatus::open)}};
    std::vector<std::vector<LadderProbe>> outsides{{probe(Rung::host_to_container, "172.17.0.47", 80, ProbeStatus::open),
                                                    probe(Rung::host_published, "172.17.0.1", 30046, ProbeStatus::timeout)}};
};

TEST(CrowdedRecheck, ATimeoutBesideAnAnsweringRungIsProbedAgainAndItsSecondAnswerStands) {
    Ladders l;
    Recorder recorder;
    recheck_crowded_timeouts(l.plans, l.insides, l.outsides, 1400, recorder.reprobe());
    ASSERT_EQ(recorder.targets.size(), 1u);
    EXPECT_EQ(recorder.targets[0].address, "172.17.0.1");
    EXPECT_EQ(recorder.netns_paths[0], "") << "a published address is probed from the host";
    const ProbeOutcome& published = l.outsides[0][1].probe;
    EXPECT_EQ(published.outcome, ProbeStatus::open);
    EXPECT_EQ(published.detail, "connected (probed again: the first try timed out among 1400 probes at once)");
}

TEST(CrowdedRecheck, ATimeoutThatRepeatsStaysATimeout) {
    Ladders l;
    Recorder recorder;
    recorder.answer = ProbeStatus::timeout;
    recheck_crowded_timeouts(l.plans, l.insides, l.outsides, 1400, recorder.reprobe());
    EXPECT_EQ(l.outsides[0][1].probe.outcome, ProbeStatus::timeout);
}

TEST(CrowdedRecheck, AnInsideTimeoutIsProbedAgainFromTheContainersNamespace) {
    Ladders l;
    l.insides[0].push_back(probe(Rung::container_address, "172.17.0.47", 80, ProbeStatus::timeout));
    Recorder recorder;
    recheck_crowded_timeouts(l.plans, l.insides, l.outsides, 1400, recorder.reprobe());
    ASSERT_EQ(recorder.netns_paths.size(), 2u);
    EXPECT_EQ(recorder.netns_paths[0], "/proc/4242/ns/net");
    EXPECT_EQ(l.insides[0][1].probe.outcome, ProbeStatus::open);
}

TEST(CrowdedRecheck, NothingIsProbedAgainAfterASmallBatch) {
    Ladders l;
    Recorder recorder;
    recheck_crowded_timeouts(l.plans, l.insides, l.outsides, kCrowdedBatch, recorder.reprobe());
    EXPECT_TRUE(recorder.targets.empty());
    EXPECT_EQ(l.outsides[0][1].probe.outcome, ProbeStatus::timeout);
    EXPECT_EQ(l.outsides[0][1].probe.detail, "no answer within 2000 ms");
}

TEST(CrowdedRecheck, APortWhereNothingAnsweredIsNotProbedAgain) {
    Ladders l;
    l.insides[0][0].probe.outcome = ProbeStatus::timeout;
    l.outsides[0][0].probe.outcome = ProbeStatus::refused;
    // Another port's open rung says nothing about this one.
    l.outsides[0].push_back(probe(Rung::host_to_container, "172.17.0.47", 443, ProbeStatus::open, PortKey{443, Proto::tcp}));
    Recorder recorder;
    recheck_crowded_timeouts(l.plans, l.insides, l.outsides, 1400, recorder.reprobe());
    EXPECT_TRUE(recorder.targets.empty());
}

TEST(CrowdedRecheck, UdpSilenceIsNotProbedAgain) {
    constexpr PortKey kDns{53, Proto::udp};
    Ladders l;
    l.insides[0] = {probe(Rung::container_loopback, "127.0.0.1", 53, ProbeStatus::open, kDns)};
    l.outsides[0] = {probe(Rung::host_published, "172.17.0.1", 5353, ProbeStatus::timeout, kDns)};
    Recorder recorder;
    recheck_crowded_timeouts(l.plans, l.insides, l.outsides, 1400, recorder.reprobe());
    EXPECT_TRUE(recorder.targets.empty());
}

}  // namespace
}  // namespace dnd
