#include <gtest/gtest.h>

#include "docknetdoctor/collect/host_addresses.hpp"

namespace dnd {
namespace {

TEST(HostAddresses, LoopbackInEveryForm) {
    for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "0:0::1", "::ffff:127.0.0.1"})
        EXPECT_TRUE(is_local_address(a, {})) << a;
    for (const char* a : {"128.0.0.1", "::2", "0.0.0.0", "localhost", "", "10.0.0.1/8"})
        EXPECT_FALSE(is_local_address(a, {})) << a;
}

TEST(HostAddresses, ComparedAsAddressesNotText) {
    const std::vector<std::string> mine = {"192.0.2.10", "2001:db8::10"};
    EXPECT_TRUE(is_local_address("192.0.2.10", mine));
    EXPECT_TRUE(is_local_address("::ffff:192.0.2.10", mine));
    EXPECT_TRUE(is_local_address("2001:0db8:0:0::10", mine));
    EXPECT_TRUE(is_local_address("127.0.0.1", {}));
    EXPECT_FALSE(is_local_address("192.0.2.11", mine));
    EXPECT_FALSE(is_local_address("not-an-address", mine));
}

TEST(HostAddresses, ThisHostHasItsLoopback) {
    auto mine = host_addresses();
    EXPECT_NE(std::find(mine.begin(), mine.end(), "127.0.0.1"), mine.end());
}

// The probes take the addresses the collection read; only when that failed do they ask the
// kernel themselves (getifaddrs).
TEST(HostAddresses, TheCollectedAddressesAreUsedWhenThereAreSome) {
    const std::vector<Address> collected = {{1, "lo", 4, "127.0.0.1", 8}, {7, "ext0", 6, "2001:db8::10", 64}};
    EXPECT_EQ(host_addresses(collected), (std::vector<std::string>{"127.0.0.1", "2001:db8::10"}));
    const Result<std::vector<Address>> unread = fail("rtnetlink", "permission denied");
    EXPECT_EQ(host_addresses(unread), host_addresses());
}

}  // namespace
}  // namespace dnd
