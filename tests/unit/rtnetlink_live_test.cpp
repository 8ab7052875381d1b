// What dump_rtnetlink asks the kernel for, checked against a real kernel in a scratch
// network namespace with a bridge and a veth on it (root only).
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "scratch_netns.hpp"

namespace dnd {
namespace {

struct Ipv6Attributes {
    int links_with_ipv6 = 0;      // links whose IFLA_AF_SPEC has an AF_INET6 part
    int links_with_counters = 0;  // ... carrying IFLA_INET6_STATS or IFLA_INET6_ICMP6STATS
};

int count_ipv6_part(const nlattr* family, void* data) {
    if (mnl_attr_get_type(family) != AF_INET6) return MNL_CB_OK;
    auto* seen = static_cast<Ipv6Attributes*>(data);
    ++seen->links_with_ipv6;
    bool counters = false;
    mnl_attr_parse_nested(
        family,
        [](const nlattr* attr, void* found) {
            const auto type = mnl_attr_get_type(attr);
            if (type == IFLA_INET6_STATS || type == IFLA_INET6_ICMP6STATS) *static_cast<bool*>(found) = true;
            return MNL_CB_OK;
        },
        &counters);
    if (counters) ++seen->links_with_counters;
    return MNL_CB_OK;
}

int look_into_af_spec(const nlattr* attr, void* seen) {
    if (mnl_attr_get_type(attr) == IFLA_AF_SPEC) mnl_attr_parse_nested(attr, count_ipv6_part, seen);
    return MNL_CB_OK;
}

Ipv6Attributes ipv6_attributes_of(const std::vector<std::uint8_t>& dump) {
    Ipv6Attributes seen;
    int left = static_cast<int>(dump.size());
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(dump.data());
    for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
        if (nlh->nlmsg_type != RTM_NEWLINK) continue;
        mnl_attr_parse(nlh, sizeof(ifinfomsg), look_into_af_spec, &seen);
    }
    return seen;
}

// Every link's counters cost the kernel a sum over its CPUs on each dump, a veth per
// container: the dump goes without them, and the links still come out whole.
TEST(RtnetlinkLive, LinksAreDumpedWithoutTheirCountersAndStillParse) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (a network namespace)";
    testing::ScratchNetns ns("rtnl");
    if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace";
    ASSERT_TRUE(ns.exec("ip link add dndbr0 type bridge && ip link add dndv0 type veth peer name dndv1 && "
                        "ip link set dndv0 master dndbr0 && ip link set dndbr0 up && ip link set dndv0 up"));
    auto dump = ns.inside([] { return std::optional<Result<RtnlRawDump>>(dump_rtnetlink()); });
    ASSERT_TRUE(dump.has_value());
    ASSERT_TRUE(dump->has_value()) << (*dump).error().message;
    const RtnlRawDump& raw = **dump;

    const Ipv6Attributes seen = ipv6_attributes_of(raw.links);
    if (seen.links_with_ipv6 == 0) GTEST_SKIP() << "IPv6 is disabled in new namespaces here: nothing to leave out";
    EXPECT_EQ(seen.links_with_counters, 0) << "of " << seen.links_with_ipv6 << " links with IPv6";

    auto links = parse_rtnl_links(raw.links);
    ASSERT_TRUE(links.has_value()) << links.error().message;
    std::map<std::string, Link> by_name;
    for (const Link& l : *links) by_name[l.name] = l;
    ASSERT_TRUE(by_name.contains("dndv0"));
    EXPECT_EQ(by_name["dndv0"].kind, "veth");
    EXPECT_EQ(by_name["dndv0"].master, "dndbr0");
    EXPECT_TRUE(by_name["dndv0"].up);
    EXPECT_EQ(by_name["dndbr0"].kind, "bridge");
    EXPECT_EQ(by_name["dndv1"].mtu, 1500);
    EXPECT_EQ(by_name["lo"].mtu, 65536);
}

}  // namespace
}  // namespace dnd
