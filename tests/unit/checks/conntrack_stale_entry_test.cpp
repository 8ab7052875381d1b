// conntrack.stale-entry: a conntrack entry to a published port holds its flow where the
// container no longer is. The entries are shaped as `conntrack -L` showed them in the
// sandbox (tests/integration/conntrack_test.cpp makes the situation for real): a client
// sending to 8170/udp of the host (192.0.2.10, the builder's eth0), the container recreated
// at a new address.
#include "check_case.hpp"
#include "docknetdoctor/model/fix_command.hpp"

namespace dnd {
namespace {

using namespace check_cases;

ConntrackEntry udp_flow(std::string reply_src, std::uint16_t reply_sport, bool seen_reply) {
    ConntrackEntry e;
    e.proto = Proto::udp;
    e.orig_src = "203.0.113.77";
    e.orig_dst = "192.0.2.10";
    e.orig_sport = 40555;
    e.orig_dport = 8170;
    e.reply_src = std::move(reply_src);
    e.reply_dst = "203.0.113.77";
    e.reply_sport = reply_sport;
    e.reply_dport = 40555;
    e.seen_reply = seen_reply;
    e.timeout = 29;
    return e;
}

// The UDP service at 172.17.0.2 (the builder's default address), published 8170:5353/udp.
FactsBuilder udp_service() { return std::move(FactsBuilder().publish(5353, 8170, "", Proto::udp).listener("0.0.0.0", 5353, Proto::udp)); }

Facts with_entries(FactsBuilder b, std::vector<ConntrackEntry> entries) {
    Facts f = b.build();
    f.conntrack = std::move(entries);
    return f;
}

// "I recreated the DNS container; its clients' queries die since."
TEST(ConntrackStaleEntry, FiresWhenTheFlowStillGoesToTheOldAddress) {
    auto r = checks::conntrack_stale_entry().run(with_entries(udp_service(), {udp_flow("172.17.0.9", 5353, true)}));
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "conntrack.stale-entry", udp(5353), Severity::critical,
                            "1 conntrack entry to host port 8170/udp still holds the client's flow where web no longer "
                            "is: its packets die"));
    EXPECT_THAT(f.evidence, ElementsAre("conntrack: udp 203.0.113.77:40555 -> 192.0.2.10:8170, answered from "
                                        "172.17.0.9:5353, 29 s left: its flow goes to 172.17.0.9, where web is no longer",
                                        "web now: 8170/udp -> 172.17.0.2:5353"));
    ASSERT_EQ(f.fix.size(), 1u);
    EXPECT_EQ(command_of_fix(f.fix.front()), "conntrack -D -p udp --dport 8170");
}

// Made while the container was down (no DNAT rule): kept for the host itself, where no
// docker-proxy listens (userland-proxy off).
TEST(ConntrackStaleEntry, FiresWhenTheFlowWasKeptForTheHostAndNothingThereServesIt) {
    auto r = checks::conntrack_stale_entry().run(
        with_entries(std::move(udp_service().daemon_option("userland-proxy", false)), {udp_flow("192.0.2.10", 8170, false)}));
    Finding f = the_finding(r);
    EXPECT_EQ(f.id, "conntrack.stale-entry");
    EXPECT_THAT(f.evidence.front(), HasSubstr("[UNREPLIED]"));
    EXPECT_THAT(f.evidence.front(), HasSubstr("not translated (made while no DNAT rule stood for the port"));
}

// Docker 20.10 and 28 hold the published port in dockerd itself without the userland proxy:
// a reservation, not a relay (seen in the sandbox: dockerd on 0.0.0.0:8170/udp).
TEST(ConntrackStaleEntry, FiresWhenOnlyDockerdHoldsThePortOfAnUntranslatedFlow) {
    auto b = udp_service();
    b.daemon_option("userland-proxy", false).host_listener("0.0.0.0", 8170, "dockerd", 812, Proto::udp);
    auto r = checks::conntrack_stale_entry().run(with_entries(std::move(b), {udp_flow("192.0.2.10", 8170, false)}));
    EXPECT_EQ(the_finding(r).id, "conntrack.stale-entry");
}

// The flow goes to the container where it is now.
TEST(ConntrackStaleEntry, QuietWhenTheFlowGoesToTheContainersAddress) {
    EXPECT_TRUE(quiet(checks::conntrack_stale_entry().run(with_entries(udp_service(), {udp_flow("172.17.0.2", 5353, true)}))));
}

// Untranslated, but docker-proxy holds the port on the host and relays it.
TEST(ConntrackStaleEntry, QuietWhenTheProxyServesAnUntranslatedFlow) {
    EXPECT_TRUE(quiet(checks::conntrack_stale_entry().run(with_entries(udp_service(), {udp_flow("192.0.2.10", 8170, false)}))));
}

// Another container's flow to a service on the same port number, bridged through the
// host's conntrack: not to this host, not to the published port.
TEST(ConntrackStaleEntry, QuietForAnotherContainersFlowToTheSamePortNumber) {
    ConntrackEntry e = udp_flow("172.17.0.9", 8170, false);
    e.orig_src = "172.17.0.5";
    e.orig_dst = "172.17.0.9";  // a service's own address, not the host's
    EXPECT_TRUE(quiet(checks::conntrack_stale_entry().run(
        with_entries(std::move(udp_service().daemon_option("userland-proxy", false)), {e}))));
}

// Bound to one host address: a flow to another address of the host is not to this binding.
TEST(ConntrackStaleEntry, QuietForAFlowToAnotherAddressThanTheBindings) {
    auto b = udp_service();
    b.publish(5353, 8170, "127.0.0.1", Proto::udp);
    EXPECT_TRUE(quiet(checks::conntrack_stale_entry().run(with_entries(std::move(b), {udp_flow("172.17.0.9", 5353, true)}))));
}

// Not asked (nothing published, a facts file from before): nothing to say.
TEST(ConntrackStaleEntry, QuietWhenConntrackWasNotAsked) { EXPECT_TRUE(quiet(checks::conntrack_stale_entry().run(FactsBuilder().build()))); }

// Unreadable (no CAP_NET_ADMIN): it says so instead of judging.
TEST(ConntrackStaleEntry, UndecidedWhenConntrackCannotBeRead) {
    Facts f = udp_service().build();
    f.conntrack = fail("conntrack", "permission denied reading the conntrack table (needs CAP_NET_ADMIN)");
    auto r = checks::conntrack_stale_entry().run(f);
    EXPECT_TRUE(r.findings.empty());
    EXPECT_THAT(r.undecided, ElementsAre(HasSubstr("permission denied reading the conntrack table")));
}

}  // namespace
}  // namespace dnd
