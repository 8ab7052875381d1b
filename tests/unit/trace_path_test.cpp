// The kernel's trace events made into a path and compared with the evaluator's prediction,
// over the recorded Docker host of the path tests (fixtures/netfilter/host-docker.json:
// 8080 -> 172.17.0.2:80 open, 8081 -> 172.17.0.3:80 dropped in DOCKER-USER). The events are
// shaped as the kernel sends them (verified live by tests/integration/trace_test.cpp): the
// headers and interfaces once per hook, jumps and returns as rule verdicts.
#include <gtest/gtest.h>

#include "path_testing.hpp"
#include "docknetdoctor/path/trace_path.hpp"

namespace dnd {
namespace {

using path_testing::from_outside;
using path_testing::load_host;

constexpr const char* kOwnTable = "docknetdoctor_trace_1";

struct Events {
    std::vector<TraceEvent> list;
    Packet packet;  // as the headers show it at the next hook

    Events& hook(std::string family, std::string table, std::string chain, std::optional<std::uint64_t> handle,
                 std::string verdict, std::string iif, std::string oif) {
        list.push_back(event(std::move(family), std::move(table), std::move(chain), handle, std::move(verdict)));
        list.back().packet = packet;
        list.back().iif = std::move(iif);
        list.back().oif = std::move(oif);
        return *this;
    }
    Events& rule(std::string table, std::string chain, std::uint64_t handle, std::string verdict) {
        list.push_back(event("ip", std::move(table), std::move(chain), handle, std::move(verdict)));
        return *this;
    }
    // The tracer's own chain CHAIN (its policy event: the packet entered or got through a hook).
    Events& own(std::string chain, std::string oif = "") {
        list.push_back(event("inet", kOwnTable, std::move(chain), std::nullopt, "accept"));
        list.back().kind = TraceEvent::Kind::policy;
        list.back().packet = packet;
        list.back().oif = std::move(oif);
        return *this;
    }
    Events& policy(std::string table, std::string chain, std::string verdict) {
        list.push_back(event("ip", std::move(table), std::move(chain), std::nullopt, std::move(verdict)));
        list.back().kind = TraceEvent::Kind::policy;
        return *this;
    }

private:
    static TraceEvent event(std::string family, std::string table, std::string chain, std::optional<std::uint64_t> handle,
                            std::string verdict) {
        TraceEvent e;
        e.id = 7;
        e.family = std::move(family);
        e.table = std::move(table);
        e.chain = std::move(chain);
        e.rule_handle = handle;
        e.verdict = std::move(verdict);
        return e;
    }
};

Packet arriving(std::uint16_t dport) {
    Packet p = from_outside("203.0.113.77", dport);
    p.iif.clear();
    p.sport = 40000;
    return p;
}

// A SYN to 192.0.2.10:PORT from 203.0.113.77 on eth0, through prerouting's DNAT to
// CONTAINER:80 and into forward, where DOCKER-USER ends with `user_verdict` at `user_rule`.
Events through_forward(std::uint16_t port, const std::string& container, std::uint64_t user_rule,
                       const std::string& user_verdict) {
    Events e;
    e.packet = arriving(port);
    e.hook("inet", kOwnTable, "prerouting", 1, "continue", "eth0", "");
    e.hook("ip", "nat", "PREROUTING", 6, "jump DOCKER", "eth0", "")
        .rule("nat", "DOCKER", port == 8080 ? 11 : 12, "accept");
    e.packet.daddr = container;
    e.packet.dport = 80;
    e.own("passed_prerouting").own("entered_forward", "docker0");
    e.hook("ip", "filter", "FORWARD", 10, "jump DOCKER-USER", "eth0", "docker0").rule("filter", "DOCKER-USER", user_rule, user_verdict);
    return e;
}

Events open_path() {
    Events e = through_forward(8080, "172.17.0.2", 24, "return");
    e.rule("filter", "FORWARD", 11, "jump DOCKER-ISOLATION-STAGE-1")
        .rule("filter", "DOCKER-ISOLATION-STAGE-1", 19, "return")
        .rule("filter", "FORWARD", 13, "jump DOCKER")
        .rule("filter", "DOCKER", 16, "accept");
    e.own("passed_forward", "docker0").own("entered_postrouting", "docker0");
    e.hook("ip", "nat", "POSTROUTING", std::nullopt, "accept", "", "docker0");
    e.list.back().kind = TraceEvent::Kind::policy;
    e.own("passed_postrouting", "docker0");
    return e;
}

TEST(TracePath, AnAcceptedPacketIsForwardedWithTheRulesThatDecidedNamedFromTheRuleset) {
    const HostNetwork host = load_host("host-docker.json");
    const PathResult p = traced_path(host, open_path().list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::forwarded) << path_testing::describe(p);
    EXPECT_EQ(p.out_interface, "docker0");
    EXPECT_EQ(p.packet.iif, "eth0");
    EXPECT_EQ(p.packet.dport, 8080);
    EXPECT_EQ(p.final_packet.daddr, "172.17.0.2");
    EXPECT_EQ(p.final_packet.dport, 80);
    ASSERT_FALSE(p.steps.empty());
    for (const PathStep& s : p.steps) EXPECT_EQ(s.where.find(kOwnTable), std::string::npos) << "the tracer's own table is not the path";
    EXPECT_EQ(p.steps.front().hook, "prerouting");
    EXPECT_EQ(p.steps[1].result, StepResult::dnat);
    EXPECT_EQ(p.steps[1].rule, "ip nat DOCKER handle 11: iifname != \"docker0\" tcp dport 8080 counter dnat to 172.17.0.2:80");
    EXPECT_EQ(p.steps[2].hook, "forward") << "a base chain sets the hook its jumps run in";
    EXPECT_EQ(p.steps[3].hook, "forward") << "a regular chain runs in its caller's hook";
}

TEST(TracePath, TheFirstDropEndsThePathAndNamesTheRule) {
    const HostNetwork host = load_host("host-docker.json");
    const PathResult p = traced_path(host, through_forward(8081, "172.17.0.3", 23, "drop").list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::dropped);
    EXPECT_EQ(p.decided_by, "ip filter DOCKER-USER handle 23: ip daddr 172.17.0.3 tcp dport 80 counter drop");
    EXPECT_EQ(p.decided_hook, "forward");
}

TEST(TracePath, ARuleTheRulesetNoLongerHoldsIsNamedByHandle) {
    const HostNetwork host = load_host("host-docker.json");
    Events e = through_forward(8081, "172.17.0.3", 99, "drop");
    const PathResult p = traced_path(host, e.list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::dropped);
    EXPECT_NE(p.decided_by.find("ip filter DOCKER-USER handle 99 (not in the rules read"), std::string::npos) << p.decided_by;
}

TEST(TracePath, APacketMarkedAndNeverThroughPreroutingDiedThere) {
    const HostNetwork host = load_host("host-docker.json");
    Events e;
    e.packet = arriving(8080);
    e.hook("inet", kOwnTable, "prerouting", 1, "continue", "eth0", "");
    const PathResult p = traced_path(host, e.list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::dropped);
    EXPECT_EQ(p.decided_hook, "prerouting");
}

TEST(TracePath, EventsWithoutThePacketsHeadersDecideNothing) {
    const HostNetwork host = load_host("host-docker.json");
    Events e;
    e.rule("nat", "DOCKER", 11, "accept");
    const PathResult p = traced_path(host, e.list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::unknown);
    const TraceComparison c = compare_with_prediction(p, evaluate_path(host, from_outside("203.0.113.77", 8080)));
    EXPECT_EQ(c.outcome, TraceComparison::Outcome::inconclusive) << c.text;
}

TEST(TracePath, APacketThatGotThroughPreroutingAndReachedNoHookDiedInRouting) {
    const HostNetwork host = load_host("host-docker.json");
    Events e;
    e.packet = arriving(8080);
    e.hook("inet", kOwnTable, "prerouting", 1, "continue", "eth0", "");
    e.hook("ip", "nat", "PREROUTING", 6, "jump DOCKER", "eth0", "").rule("nat", "DOCKER", 11, "accept");
    e.own("passed_prerouting");
    const PathResult p = traced_path(host, e.list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::dropped);
    EXPECT_EQ(p.decided_hook, "routing");
    EXPECT_EQ(p.decided_by, "routing: the packet got through prerouting and reached no further hook (forwarding off "
                            "for it, no route, or the reverse-path filter)");
}

TEST(TracePath, APacketNftablesLetOnThatWentNoFurtherWasStoppedByWhatTheTraceCannotSee) {
    Events e = through_forward(8080, "172.17.0.2", 24, "return");
    e.rule("filter", "FORWARD", 13, "jump DOCKER").rule("filter", "DOCKER", 16, "accept");  // and no passed_forward
    {
        const PathResult p = traced_path(load_host("host-docker.json"), e.list, kOwnTable);
        EXPECT_EQ(p.verdict, PathVerdict::dropped);
        EXPECT_EQ(p.decided_hook, "forward");
        EXPECT_EQ(p.decided_by, "forward: every nftables chain there let the packet on and it went no further (a hook "
                                "the trace cannot see)");
    }
    HostNetwork with_legacy = load_host("host-docker.json");
    with_legacy.iptables_legacy = load_host("host-legacy.json").iptables_legacy;  // filter FORWARD, policy drop
    const PathResult p = traced_path(with_legacy, e.list, kOwnTable);
    EXPECT_EQ(p.decided_hook, "forward");
    EXPECT_TRUE(p.decided_by.starts_with("iptables-legacy (forward): ")) << p.decided_by;
    const PathResult predicted = evaluate_path(with_legacy, from_outside("203.0.113.77", 8080));
    ASSERT_EQ(predicted.verdict, PathVerdict::dropped) << path_testing::describe(predicted);
    EXPECT_EQ(compare_with_prediction(p, predicted).outcome, TraceComparison::Outcome::confirmed)
        << compare_with_prediction(p, predicted).text;
}

// iptables-legacy's records come on their own socket, so after nftables' events of the same
// packet; they are put back in the hook they were made in, by their table's priority.
TEST(TracePath, IptablesLegacyRecordsTakeTheirPlaceInTheirHookAndNameTheRule) {
    HostNetwork host = load_host("host-docker.json");
    host.iptables_legacy = load_host("host-legacy.json").iptables_legacy;  // filter FORWARD, policy drop
    Events e = through_forward(8080, "172.17.0.2", 24, "return");
    e.rule("filter", "FORWARD", 13, "jump DOCKER").rule("filter", "DOCKER", 16, "accept");
    TraceEvent policy;
    policy.legacy = true;
    policy.family = "ip";
    policy.table = "filter";
    policy.chain = "FORWARD";
    policy.hook = "forward";
    policy.kind = TraceEvent::Kind::policy;
    policy.packet = e.packet;
    e.list.push_back(policy);
    const PathResult p = traced_path(host, e.list, kOwnTable);
    EXPECT_EQ(p.verdict, PathVerdict::dropped) << path_testing::describe(p);
    EXPECT_EQ(p.decided_by, "iptables-legacy ip filter FORWARD policy drop");
    EXPECT_EQ(p.decided_hook, "forward");
    ASSERT_GE(p.steps.size(), 2u);
    EXPECT_EQ(p.steps[p.steps.size() - 2].rule, "ip filter DOCKER handle 16: iifname != \"docker0\" oifname \"docker0\" ip "
                                                 "daddr 172.17.0.2 tcp dport 80 counter accept")
        << "iptables-nft's filter chain and the legacy one share priority 0: the order they arrived in stands";
    const PathResult predicted = evaluate_path(host, from_outside("203.0.113.77", 8080));
    EXPECT_EQ(compare_with_prediction(p, predicted).outcome, TraceComparison::Outcome::confirmed)
        << compare_with_prediction(p, predicted).text;
}

TEST(TracePath, TheTraceConfirmsWhatTheEvaluatorPredicted) {
    const HostNetwork host = load_host("host-docker.json");
    for (const auto& [port, events] : {std::pair{8080, open_path()}, std::pair{8081, through_forward(8081, "172.17.0.3", 23, "drop")}}) {
        const PathResult traced = traced_path(host, events.list, kOwnTable);
        const PathResult predicted = evaluate_path(host, from_outside("203.0.113.77", static_cast<std::uint16_t>(port)));
        const TraceComparison c = compare_with_prediction(traced, predicted);
        EXPECT_EQ(c.outcome, TraceComparison::Outcome::confirmed) << port << ": " << c.text << "\n"
                                                                 << path_testing::describe(predicted);
        EXPECT_TRUE(c.at.empty());
    }
}

TEST(TracePath, AKernelThatWentAnotherWayIsAContradictionAtTheFirstStepThatParts) {
    const HostNetwork host = load_host("host-docker.json");
    // The evaluator says 8080 is accepted; this kernel dropped it at DOCKER-USER's first rule.
    const PathResult traced = traced_path(host, through_forward(8080, "172.17.0.2", 22, "drop").list, kOwnTable);
    const PathResult predicted = evaluate_path(host, from_outside("203.0.113.77", 8080));
    ASSERT_EQ(predicted.verdict, PathVerdict::forwarded);
    const TraceComparison c = compare_with_prediction(traced, predicted);
    EXPECT_EQ(c.outcome, TraceComparison::Outcome::contradicted);
    EXPECT_EQ(c.at, "forward ip filter DOCKER-USER handle 22: ip saddr 198.51.100.0/24 counter drop comment \"block a source\"");
    EXPECT_NE(c.text.find("contradicted at forward ip filter DOCKER-USER handle 22"), std::string::npos) << c.text;
}

// Both passing is not agreement when the packet ended elsewhere: delivered to the host (a
// proxy) where the evaluator had it DNAT'd to the container.
TEST(TracePath, APacketDeliveredHereWhereTheContainerWasPredictedIsAContradiction) {
    const HostNetwork host = load_host("host-docker.json");
    Events e;
    e.packet = arriving(8080);
    e.hook("inet", kOwnTable, "prerouting", 1, "continue", "eth0", "");
    e.own("passed_prerouting").own("entered_input");
    e.hook("ip", "filter", "INPUT", 8, "accept", "eth0", "");  // iifname "lo" accept, as a stand-in
    e.own("passed_input");
    const PathResult traced = traced_path(host, e.list, kOwnTable);
    ASSERT_EQ(traced.verdict, PathVerdict::delivered_local) << path_testing::describe(traced);
    const PathResult predicted = evaluate_path(host, from_outside("203.0.113.77", 8080));
    ASSERT_EQ(predicted.verdict, PathVerdict::forwarded);
    const TraceComparison c = compare_with_prediction(traced, predicted);
    EXPECT_EQ(c.outcome, TraceComparison::Outcome::contradicted) << c.text;
    EXPECT_NE(c.text.find("the kernel: accepted, delivered-local"), std::string::npos) << c.text;
}

TEST(TracePath, WhereTheEvaluatorCouldNotTellTheTraceDecides) {
    const HostNetwork host = load_host("host-docker.json");
    const PathResult traced = traced_path(host, open_path().list, kOwnTable);
    PathResult predicted = evaluate_path(host, from_outside("203.0.113.77", 8080));
    predicted.verdict = PathVerdict::unknown;
    predicted.decided_by = "a set could not be read";
    const TraceComparison c = compare_with_prediction(traced, predicted);
    EXPECT_EQ(c.outcome, TraceComparison::Outcome::decided_by_trace);
    EXPECT_EQ(c.text, "the evaluator could not tell (a set could not be read); the trace decides: accepted, forwarded "
                      "to 172.17.0.2:80");
}

}  // namespace
}  // namespace dnd
