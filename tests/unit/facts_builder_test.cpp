// FactsBuilder (tests/support): its defaults are a healthy host, so a check case states only
// what differs; what it derives stays consistent (paths walked by the real evaluator, a
// stopped container without ports in effect, JSON both ways).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/checks/all_checks.hpp"
#include "facts_builder.hpp"

namespace dnd {
namespace {

using testing::FactsBuilder;

// "web publishes 8080:80 and httpd listens on 0.0.0.0:80": no check has anything to say.
TEST(FactsBuilder, DefaultsAreHealthyForEveryCheck) {
    const Facts facts = FactsBuilder().build();
    for (const Check& check : all_checks()) {
        if (!check.run) continue;
        const CheckResult r = check.run(facts);
        for (const Finding& f : r.findings) ADD_FAILURE() << check.id() << " fires on the defaults: " << f.title;
        for (const std::string& why : r.undecided) ADD_FAILURE() << check.id() << " is undecided on the defaults: " << why;
    }
}

TEST(FactsBuilder, DefaultPathIsDnatedAndForwardedToTheContainer) {
    const Facts facts = FactsBuilder().build();
    ASSERT_TRUE(facts.paths) << facts.paths.error().message;
    ASSERT_EQ(facts.paths->size(), 1u);
    const PathResult& p = facts.paths->front();
    EXPECT_EQ(p.verdict, PathVerdict::forwarded) << p.decided_by;
    EXPECT_EQ(p.packet.daddr, "192.0.2.10");
    EXPECT_EQ(p.packet.dport, 8080);
    EXPECT_EQ(p.final_packet.daddr, "172.17.0.2");
    EXPECT_EQ(p.final_packet.dport, 80);
    EXPECT_EQ(p.out_interface, "docker0");
}

TEST(FactsBuilder, AStoppedContainerHasNoPortsNoProxyAndNoReadableSockets) {
    const Facts facts = FactsBuilder().state("exited").exit_code(1).build();
    ASSERT_TRUE(facts.container);
    EXPECT_TRUE(facts.container->ports.empty());
    EXPECT_FALSE(facts.container->port_bindings.empty());
    EXPECT_EQ(facts.container->state.pid, 0);
    EXPECT_FALSE(facts.container_listeners);
    ASSERT_TRUE(facts.host_listeners);
    for (const Listener& l : *facts.host_listeners)
        for (const SocketOwner& o : l.owners) EXPECT_NE(o.process, "docker-proxy");
    ASSERT_TRUE(facts.paths);
    EXPECT_EQ(facts.paths->size(), 1u);  // the asked binding is still tried: nothing answers it
}

TEST(FactsBuilder, IptablesOffLeavesNoDockerRules) {
    const Facts facts = FactsBuilder().daemon_option("iptables", false).build();
    ASSERT_TRUE(facts.host->nftables);
    EXPECT_TRUE(facts.host->nftables->tables.empty());
    ASSERT_TRUE(facts.paths);
    ASSERT_EQ(facts.paths->size(), 1u);
    EXPECT_EQ(facts.paths->front().verdict, PathVerdict::delivered_local);  // docker-proxy answers on the host
}

TEST(FactsBuilder, FactsRoundTripThroughJson) {
    const Facts facts = FactsBuilder().to("db:5432").publish(5432, 5432).build();
    auto again = facts_from_json_text(facts_to_json(facts).dump());
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(facts_to_json(*again), facts_to_json(facts));
}

}  // namespace
}  // namespace dnd
