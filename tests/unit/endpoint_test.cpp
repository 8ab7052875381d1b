// The one endpoint formatter (endpoint.hpp): how every report writes an address with a port.
#include <gtest/gtest.h>

#include "docknetdoctor/model/endpoint.hpp"

namespace dnd {
namespace {

TEST(Endpoint, BracketsIpv6SoThePortStaysReadable) {
    EXPECT_EQ(format_endpoint("172.17.0.2", 80), "172.17.0.2:80");
    EXPECT_EQ(format_endpoint("::", 8080), "[::]:8080");
    EXPECT_EQ(format_endpoint("fe80::1", 443), "[fe80::1]:443");
    EXPECT_EQ(format_endpoint("::ffff:192.0.2.1", 22), "[::ffff:192.0.2.1]:22");
}

TEST(Endpoint, AKnownFamilyDecidesEvenWithoutAnAddress) {
    EXPECT_EQ(format_endpoint(6, "", 8080), "[]:8080");
    EXPECT_EQ(format_endpoint(4, "", 8080), ":8080");
    EXPECT_EQ(format_endpoint(6, "::1", 80), "[::1]:80");
    EXPECT_EQ(format_endpoint(4, "127.0.0.1", 80), "127.0.0.1:80");
}

}  // namespace
}  // namespace dnd
