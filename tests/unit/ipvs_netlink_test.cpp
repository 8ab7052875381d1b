// IPVS generic netlink answers parsed. This kernel has no IPVS, so no answer could be
// recorded here: the messages are built as the kernel's ip_vs_ctl.c builds them (the
// attribute layout of linux/ip_vs.h), for the table moby/libnetwork#2227 lists from a real
// node's ingress_sbox with `ipvsadm -Ln` (fixtures/ipvs/README.md), and the parse must give
// that listing back.
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>

#include <array>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docknetdoctor/collect/ipvs_collect.hpp"

namespace dnd {
namespace {

using ::testing::HasSubstr;

// One answer message of the IPVS family, built attribute by attribute.
class IpvsAnswer {
public:
    explicit IpvsAnswer(std::uint8_t command) : bytes_(512) {
        nlh_ = mnl_nlmsg_put_header(bytes_.data());
        nlh_->nlmsg_type = 0x1c;  // the family number the controller gave (any)
        auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(genlmsghdr)));
        genl->cmd = command;
        genl->version = IPVS_GENL_VERSION;
    }
    nlmsghdr* nlh() { return nlh_; }
    nlattr* open(std::uint16_t type) { return mnl_attr_nest_start(nlh_, type); }
    void close(nlattr* nest) { mnl_attr_nest_end(nlh_, nest); }
    void address(std::uint16_t type, int af, const char* text) {
        std::array<std::uint8_t, 16> a{};  // union nf_inet_addr: always 16 bytes on the wire
        ::inet_pton(af, text, a.data());
        mnl_attr_put(nlh_, type, a.size(), a.data());
    }
    std::span<const std::uint8_t> bytes() const { return std::span(bytes_.data(), nlh_->nlmsg_len); }

private:
    std::vector<std::uint8_t> bytes_;
    nlmsghdr* nlh_ = nullptr;
};

IpvsAnswer fwmark_service(std::uint32_t mark) {
    IpvsAnswer m(IPVS_CMD_NEW_SERVICE);
    nlattr* s = m.open(IPVS_CMD_ATTR_SERVICE);
    mnl_attr_put_u16(m.nlh(), IPVS_SVC_ATTR_AF, AF_INET);
    mnl_attr_put_u16(m.nlh(), IPVS_SVC_ATTR_PROTOCOL, 0);
    m.address(IPVS_SVC_ATTR_ADDR, AF_INET, "0.0.0.0");
    mnl_attr_put_u16(m.nlh(), IPVS_SVC_ATTR_PORT, 0);
    mnl_attr_put_u32(m.nlh(), IPVS_SVC_ATTR_FWMARK, mark);
    mnl_attr_put_strz(m.nlh(), IPVS_SVC_ATTR_SCHED_NAME, "rr");
    const std::array<std::uint32_t, 2> flags{0, 0xffffffff};
    mnl_attr_put(m.nlh(), IPVS_SVC_ATTR_FLAGS, sizeof flags, flags.data());
    mnl_attr_put_u32(m.nlh(), IPVS_SVC_ATTR_TIMEOUT, 0);
    mnl_attr_put_u32(m.nlh(), IPVS_SVC_ATTR_NETMASK, 0xffffffff);
    nlattr* stats = m.open(IPVS_SVC_ATTR_STATS);  // counters the parse does not need
    mnl_attr_put_u32(m.nlh(), IPVS_STATS_ATTR_CONNS, 0);
    m.close(stats);
    m.close(s);
    return m;
}

IpvsAnswer destination(int af, const char* addr, std::uint16_t port, std::uint32_t weight, std::uint32_t active,
                       std::uint32_t inactive, bool with_family = true) {
    IpvsAnswer m(IPVS_CMD_NEW_DEST);
    nlattr* d = m.open(IPVS_CMD_ATTR_DEST);
    m.address(IPVS_DEST_ATTR_ADDR, af, addr);
    mnl_attr_put_u16(m.nlh(), IPVS_DEST_ATTR_PORT, htons(port));
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_MASQ);
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_WEIGHT, weight);
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_U_THRESH, 0);
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_L_THRESH, 0);
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_ACTIVE_CONNS, active);
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_INACT_CONNS, inactive);
    mnl_attr_put_u32(m.nlh(), IPVS_DEST_ATTR_PERSIST_CONNS, 0);
    if (with_family) mnl_attr_put_u16(m.nlh(), IPVS_DEST_ATTR_ADDR_FAMILY, static_cast<std::uint16_t>(af));
    m.close(d);
    return m;
}

// "FWM  256 rr" of the node in moby/libnetwork#2227.
TEST(IpvsNetlink, AFirewallMarkServiceAsTheMeshMakesIt) {
    auto service = parse_ipvs_service_message(fwmark_service(256).bytes());
    ASSERT_TRUE(service.has_value()) << service.error().message;
    EXPECT_EQ(service->family, 4);
    EXPECT_EQ(service->fwmark, 256U);
    EXPECT_EQ(service->scheduler, "rr");
    EXPECT_EQ(service->protocol, "");
    EXPECT_EQ(service->addr, "");
    EXPECT_TRUE(service->destinations.empty());
}

// "  -> 10.255.0.6:0  Masq  1  0  0" and its sibling 10.255.0.7.
TEST(IpvsNetlink, TheMeshsRealServersWithTheirWeights) {
    auto first = parse_ipvs_destination_message(destination(AF_INET, "10.255.0.6", 0, 1, 0, 0).bytes(), 4);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(first->addr, "10.255.0.6");
    EXPECT_EQ(first->port, 0);
    EXPECT_EQ(first->weight, 1U);
    auto drained = parse_ipvs_destination_message(destination(AF_INET, "10.255.0.7", 0, 0, 2, 5).bytes(), 4);
    ASSERT_TRUE(drained.has_value()) << drained.error().message;
    EXPECT_EQ(drained->addr, "10.255.0.7");
    EXPECT_EQ(drained->weight, 0U);
    EXPECT_EQ(drained->active_connections, 2U);
    EXPECT_EQ(drained->inactive_connections, 5U);
}

// A service VIP in a container's namespace: protocol, address and port name the service.
TEST(IpvsNetlink, AnAddressService) {
    IpvsAnswer m(IPVS_CMD_NEW_SERVICE);
    nlattr* s = m.open(IPVS_CMD_ATTR_SERVICE);
    mnl_attr_put_u16(m.nlh(), IPVS_SVC_ATTR_AF, AF_INET);
    mnl_attr_put_u16(m.nlh(), IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
    m.address(IPVS_SVC_ATTR_ADDR, AF_INET, "10.0.1.5");
    mnl_attr_put_u16(m.nlh(), IPVS_SVC_ATTR_PORT, htons(80));
    mnl_attr_put_strz(m.nlh(), IPVS_SVC_ATTR_SCHED_NAME, "rr");
    m.close(s);
    auto service = parse_ipvs_service_message(m.bytes());
    ASSERT_TRUE(service.has_value()) << service.error().message;
    EXPECT_EQ(service->fwmark, 0U);
    EXPECT_EQ(service->protocol, "tcp");
    EXPECT_EQ(service->addr, "10.0.1.5");
    EXPECT_EQ(service->port, 80);
}

// Kernels before 4.x send no IPVS_DEST_ATTR_ADDR_FAMILY: the service's family reads the address.
TEST(IpvsNetlink, ADestinationWithoutItsFamilyTakesTheServicesFamily) {
    auto v6 = parse_ipvs_destination_message(destination(AF_INET6, "fd00::6", 8080, 1, 0, 0, false).bytes(), 6);
    ASSERT_TRUE(v6.has_value()) << v6.error().message;
    EXPECT_EQ(v6->addr, "fd00::6");
    EXPECT_EQ(v6->port, 8080);
}

TEST(IpvsNetlink, MalformedAnswersAreErrorsNotServices) {
    auto whole = fwmark_service(256);
    const auto bytes = whole.bytes();
    EXPECT_FALSE(parse_ipvs_service_message(bytes.first(10)).has_value());
    EXPECT_FALSE(parse_ipvs_service_message(bytes.first(bytes.size() - 8)).has_value());
    IpvsAnswer bare(IPVS_CMD_NEW_SERVICE);  // no IPVS_CMD_ATTR_SERVICE nest
    auto missing = parse_ipvs_service_message(bare.bytes());
    ASSERT_FALSE(missing.has_value());
    EXPECT_THAT(missing.error().message, HasSubstr("without its service attribute"));
    IpvsAnswer no_weight(IPVS_CMD_NEW_DEST);
    nlattr* d = no_weight.open(IPVS_CMD_ATTR_DEST);
    no_weight.address(IPVS_DEST_ATTR_ADDR, AF_INET, "10.255.0.6");
    mnl_attr_put_u16(no_weight.nlh(), IPVS_DEST_ATTR_PORT, 0);
    no_weight.close(d);
    auto weightless = parse_ipvs_destination_message(no_weight.bytes(), 4);
    ASSERT_FALSE(weightless.has_value());
    EXPECT_EQ(weightless.error().source, "ipvs");
}

}  // namespace
}  // namespace dnd
