// Which received events are the first traced packet's (path/trace_packet): the events of
// several packets come on one socket, shaped here as the kernel sends them.
#include <gtest/gtest.h>

#include "docknetdoctor/path/trace_packet.hpp"

namespace dnd {
namespace {

constexpr const char* kOwn = "docknetdoctor_trace_1";

TraceEvent event(std::uint32_t id, std::string table, std::string chain, std::string saddr = "", std::uint16_t sport = 0) {
    TraceEvent e;
    e.id = id;
    e.family = table == kOwn ? "inet" : "ip";
    e.table = std::move(table);
    e.chain = std::move(chain);
    e.verdict = "continue";
    e.packet.saddr = std::move(saddr);
    e.packet.daddr = e.packet.saddr.empty() ? "" : "192.0.2.10";
    e.packet.proto = Proto::udp;
    e.packet.sport = sport;
    e.packet.dport = 8170;
    return e;
}

TEST(FirstTracedPacket, BeginsOnlyAtTheTracersOwnMark) {
    FirstTracedPacket p(kOwn);
    EXPECT_FALSE(p.take(event(1, "other_trace", "prerouting", "203.0.113.77", 40555))) << "another table's nftrace";
    EXPECT_FALSE(p.take(event(2, "nat", "PREROUTING", "203.0.113.77", 40555)));
    EXPECT_FALSE(p.started());
    EXPECT_TRUE(p.take(event(3, kOwn, "prerouting", "203.0.113.77", 40555)));
    EXPECT_TRUE(p.started());
}

// A UDP client sending every 100 ms: its next datagram is marked again and ends the first.
TEST(FirstTracedPacket, TheNextDatagramOfTheFlowEndsTheFirst) {
    FirstTracedPacket p(kOwn);
    ASSERT_TRUE(p.take(event(7, kOwn, "prerouting", "203.0.113.77", 40555)));
    EXPECT_TRUE(p.take(event(7, "nat", "PREROUTING")));              // its own id, no headers
    EXPECT_TRUE(p.take(event(9, kOwn, "passed_forward", "203.0.113.77", 40555)));  // a new id, its headers
    EXPECT_FALSE(p.take(event(7, kOwn, "prerouting", "203.0.113.77", 40555)));  // the next datagram, even with the same id
    EXPECT_TRUE(p.complete());
    EXPECT_FALSE(p.take(event(7, "filter", "FORWARD")));
    EXPECT_EQ(p.events().size(), 3u);
}

TEST(FirstTracedPacket, AnotherFlowsEventsAreNotTheFirstPackets) {
    FirstTracedPacket p(kOwn);
    ASSERT_TRUE(p.take(event(7, kOwn, "prerouting", "203.0.113.77", 40555)));
    EXPECT_FALSE(p.take(event(8, "filter", "FORWARD", "198.51.100.7", 40555))) << "another source";
    TraceEvent legacy = event(0, "filter", "FORWARD", "203.0.113.77", 40555);
    legacy.legacy = true;
    EXPECT_TRUE(p.take(legacy)) << "iptables-legacy's record of the same flow";
    legacy.packet.sport = 40556;
    EXPECT_FALSE(p.take(legacy));
}

// Made here for a local address without DNAT, the packet comes back in through lo and is
// marked again in prerouting: still the first packet. A second time is not.
TEST(FirstTracedPacket, APacketLoopedBackThroughLoIsStillTheFirst) {
    FirstTracedPacket p(kOwn);
    ASSERT_TRUE(p.take(event(7, kOwn, "output", "127.0.0.1", 40555)));
    TraceEvent back = event(11, kOwn, "prerouting", "127.0.0.1", 40555);
    back.iif = "lo";
    EXPECT_TRUE(p.take(back));
    EXPECT_FALSE(p.complete());
    EXPECT_FALSE(p.take(back));
    EXPECT_TRUE(p.complete());
}

TEST(FirstTracedPacket, ADropEndsIt) {
    FirstTracedPacket p(kOwn);
    ASSERT_TRUE(p.take(event(7, kOwn, "prerouting", "203.0.113.77", 40555)));
    TraceEvent drop = event(7, "filter", "DOCKER-USER");
    drop.verdict = "drop";
    EXPECT_TRUE(p.take(drop));
    EXPECT_TRUE(p.complete());
}

}  // namespace
}  // namespace dnd
