// Which published ports a diagnosis reads conntrack entries for (collect_parts).
#include <gtest/gtest.h>

#include "collect_parts.hpp"

namespace dnd {
namespace {

// A dump of the conntrack table walks all of it: only published UDP ports are worth one.
TEST(ConntrackPorts, OnlyThePublishedUdpPortsEachOnce) {
    EXPECT_EQ(conntrack_ports({{8080, Proto::tcp}, {8170, Proto::udp}, {8170, Proto::udp}, {53, Proto::udp}}),
              (std::vector<PortKey>{{8170, Proto::udp}, {53, Proto::udp}}));
    EXPECT_TRUE(conntrack_ports({{8080, Proto::tcp}}).empty());
}

}  // namespace
}  // namespace dnd
