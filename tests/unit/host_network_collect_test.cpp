// rtnetlink parsing on recorded bytes (fixtures/rtnetlink/, written by path_live_test.cpp
// from its scratch namespace) and dockerd's command line / daemon.json.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "fake_proc.hpp"
#include "path_testing.hpp"

namespace dnd {
namespace {

std::vector<std::uint8_t> bytes_of(const std::string& name) {
    std::string text = path_testing::read_text(path_testing::source_dir() + "/fixtures/rtnetlink/" + name);
    return {text.begin(), text.end()};
}

TEST(Rtnetlink, ParsesRecordedLinks) {
    auto bytes = bytes_of("links.bin");
    auto links = parse_rtnl_links(bytes);
    ASSERT_TRUE(links.has_value()) << links.error().message;
    std::map<std::string, Link> by_name;
    for (const Link& l : *links) by_name[l.name] = l;
    ASSERT_TRUE(by_name.contains("docker0"));
    EXPECT_EQ(by_name["docker0"].kind, "bridge");
    EXPECT_TRUE(by_name["docker0"].up);
    EXPECT_EQ(by_name["vethdnd0"].kind, "veth");
    EXPECT_EQ(by_name["vethdnd0"].master, "docker0");
    EXPECT_EQ(by_name["eth0"].mtu, 1500);
    EXPECT_EQ(by_name["lo"].mtu, 65536);
}

TEST(Rtnetlink, ParsesRecordedAddressesAndRoutes) {
    auto link_bytes = bytes_of("links.bin");
    auto links = parse_rtnl_links(link_bytes);
    ASSERT_TRUE(links.has_value());
    auto addr_bytes = bytes_of("addresses.bin");
    auto addrs = parse_rtnl_addresses(addr_bytes, *links);
    ASSERT_TRUE(addrs.has_value()) << addrs.error().message;
    bool eth0 = false;
    for (const Address& a : *addrs) eth0 = eth0 || (a.ifname == "eth0" && a.address == "192.0.2.10" && a.prefix_len == 24);
    EXPECT_TRUE(eth0);
    auto route_bytes = bytes_of("routes.bin");
    auto routes = parse_rtnl_routes(route_bytes, *links);
    ASSERT_TRUE(routes.has_value()) << routes.error().message;
    bool default_route = false, local = false;
    for (const Route& r : *routes) {
        default_route = default_route || (r.destination == "default" && r.gateway == "192.0.2.1" && r.oifname == "eth0" && r.table == 254);
        local = local || (r.destination == "172.17.0.1/32" && r.type == "local" && r.table == 255);
    }
    EXPECT_TRUE(default_route);
    EXPECT_TRUE(local);
}

TEST(Rtnetlink, TruncatedBytesAreAnError) {
    auto bytes = bytes_of("links.bin");
    ASSERT_GT(bytes.size(), 40u);
    bytes.resize(bytes.size() - 7);
    auto links = parse_rtnl_links(bytes);
    ASSERT_FALSE(links.has_value());
    EXPECT_EQ(links.error().source, "rtnetlink");
}

TEST(DaemonConfig, ParsesCommandLineFlags) {
    DaemonConfig c = parse_dockerd_cmdline({"/usr/bin/dockerd", "--iptables=false", "--userland-proxy=false", "--icc",
                                            "--ip", "127.0.0.1", "--config-file=/etc/dnd/daemon.json", "-H", "fd://"});
    EXPECT_EQ(c.iptables, false);
    EXPECT_EQ(c.userland_proxy, false);
    EXPECT_EQ(c.icc, true);
    EXPECT_FALSE(c.ip_forward.has_value());
    EXPECT_EQ(c.default_bind_ip, "127.0.0.1");
    EXPECT_EQ(c.config_file, "/etc/dnd/daemon.json");
}

TEST(DaemonConfig, DaemonJsonFillsWhatTheCommandLineLeftUnset) {
    DaemonConfig c = parse_dockerd_cmdline({"dockerd", "--ip-forward=false"});
    auto r = apply_daemon_json(R"({"iptables": false, "ip-forward": true, "ip": "10.0.0.5", "log-level": "info"})", c);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(c.iptables, false);
    EXPECT_EQ(c.ip_forward, false);  // the command line wins
    EXPECT_EQ(c.default_bind_ip, "10.0.0.5");
    EXPECT_FALSE(c.icc.has_value());
}

TEST(DaemonConfig, BadDaemonJsonIsAnError) {
    DaemonConfig c;
    auto bad = apply_daemon_json("{ not json", c);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().source, "daemon-config");
    auto wrong_type = apply_daemon_json(R"({"iptables": "no"})", c);
    ASSERT_FALSE(wrong_type.has_value());
    EXPECT_NE(wrong_type.error().message.find("iptables"), std::string::npos);
}

// A dockerd whose /proc/PID/ns/net cannot be read (not root: EACCES) is not said to run in
// another network namespace: the real reason is given.
TEST(DaemonConfig, ADockerdWhoseNamespaceCannotBeReadIsSaidSo) {
    const std::string root = ::testing::TempDir() + "dnd-proc-dockerd-" + std::to_string(::getpid());
    std::filesystem::create_directories(root + "/4242/ns");
    std::filesystem::create_directories(root + "/self/ns");
    std::filesystem::create_symlink("net:[4026531840]", root + "/self/ns/net");
    std::ofstream(root + "/4242/comm") << "dockerd\n";
    auto c = read_daemon_config(root);
    std::filesystem::remove_all(root);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message, "dockerd (pid 4242): cannot read " + root + "/4242/ns/net: No such file or directory");
}

// The engine's own dockerd (found by its API socket) is read directly when it runs in this
// network namespace: the pass over every process, which grows with the host, is not made.
// An engine in another namespace is said to be there (the dockerd of this one is another
// engine); only an engine that is unknown or gone sends the reader to that pass.
TEST(DaemonConfig, TheEnginesOwnDockerdIsReadWithoutListingEveryProcess) {
    testing::FakeProc proc;
    proc.link("self/ns/net", "net:[4026531840]");
    proc.link("4242/ns/net", "net:[4026531840]");
    proc.write("4242/cmdline", std::string("dockerd\0--config-file=/etc/engine.json\0", 39));
    proc.write("4242/root/etc/engine.json", R"({"userland-proxy": false})");
    proc.link("5151/ns/net", "net:[4026532999]");  // a dockerd of another namespace
    proc.write("5151/cmdline", std::string("dockerd\0", 8));
    int listed = 0;
    auto listing = [&]() -> std::optional<std::vector<int>> {
        ++listed;
        return std::vector<int>{5151, 4242};
    };
    auto own = read_daemon_config(proc.root(), 4242, listing);
    ASSERT_TRUE(own) << own.error().message;
    EXPECT_EQ(own->pid, 4242);
    EXPECT_EQ(own->userland_proxy, false);
    EXPECT_EQ(listed, 0);

    auto elsewhere = read_daemon_config(proc.root(), 5151, listing);
    ASSERT_FALSE(elsewhere);
    EXPECT_EQ(elsewhere.error().message, "dockerd (pid 5151) runs in another network namespace");
    EXPECT_EQ(listed, 0);

    auto gone = read_daemon_config(proc.root(), 7070, listing);  // exited since it was found
    ASSERT_TRUE(gone) << gone.error().message;
    EXPECT_EQ(gone->pid, 4242);
    EXPECT_EQ(listed, 1);
    auto unknown = read_daemon_config(proc.root(), 0, [] { return std::optional<std::vector<int>>{}; });
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "cannot list " + proc.root());
}

TEST(Sysctls, ReadsFromAProcRoot) {
    std::string root = ::testing::TempDir() + "dnd-proc-" + std::to_string(::getpid());
    std::filesystem::create_directories(root + "/sys/net/ipv4/conf/docker0");
    std::ofstream(root + "/sys/net/ipv4/ip_forward") << "1\n";
    std::ofstream(root + "/sys/net/ipv4/conf/docker0/route_localnet") << "0\n";
    Link docker0;
    docker0.name = "docker0";
    auto s = read_sysctls(root, {docker0});
    std::filesystem::remove_all(root);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->at("net.ipv4.ip_forward"), "1");
    EXPECT_EQ(s->at("net.ipv4.conf.docker0.route_localnet"), "0");
    EXPECT_FALSE(s->contains("net.bridge.bridge-nf-call-iptables"));  // br_netfilter not loaded
    EXPECT_FALSE(read_sysctls(root, {}).has_value());
}

TEST(Sysctls, ReadsEachInterfacesForwardingSwitches) {
    std::string root = ::testing::TempDir() + "dnd-proc-fwd-" + std::to_string(::getpid());
    std::filesystem::create_directories(root + "/sys/net/ipv4/conf/ext0");
    std::filesystem::create_directories(root + "/sys/net/ipv6/conf/ext0");
    std::filesystem::create_directories(root + "/sys/net/ipv4/conf/old0");  // a kernel before force_forwarding
    std::ofstream(root + "/sys/net/ipv4/ip_forward") << "1\n";
    std::ofstream(root + "/sys/net/ipv4/conf/ext0/forwarding") << "0\n";
    std::ofstream(root + "/sys/net/ipv6/conf/ext0/force_forwarding") << "1\n";
    std::ofstream(root + "/sys/net/ipv4/conf/old0/forwarding") << "1\n";
    Link ext0, old0;
    ext0.name = "ext0";
    old0.name = "old0";
    auto s = read_sysctls(root, {ext0, old0});
    std::filesystem::remove_all(root);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->at("net.ipv4.conf.ext0.forwarding"), "0");
    EXPECT_EQ(s->at("net.ipv6.conf.ext0.force_forwarding"), "1");
    EXPECT_EQ(s->at("net.ipv4.conf.old0.forwarding"), "1");
    EXPECT_FALSE(s->contains("net.ipv6.conf.old0.force_forwarding"));
}

TEST(Sysctls, ABridgesPortsAreNotReadButTheBridgeAndOtherEnslavedLinksAre) {
    std::string root = ::testing::TempDir() + "dnd-proc-ports-" + std::to_string(::getpid());
    for (const char* name : {"docker0", "veth1", "vrfport"})
        std::filesystem::create_directories(root + "/sys/net/ipv4/conf/" + name);
    std::ofstream(root + "/sys/net/ipv4/ip_forward") << "1\n";
    for (const char* name : {"docker0", "veth1", "vrfport"})
        std::ofstream(root + "/sys/net/ipv4/conf/" + name + "/forwarding") << "1\n";
    Link docker0, veth1, vrf0, vrfport;
    docker0.name = "docker0";
    docker0.kind = "bridge";
    veth1.name = "veth1";
    veth1.kind = "veth";
    veth1.master = "docker0";
    vrf0.name = "vrf0";
    vrf0.kind = "vrf";
    vrfport.name = "vrfport";
    vrfport.master = "vrf0";  // a VRF's member stays an IP interface
    auto s = read_sysctls(root, {docker0, veth1, vrf0, vrfport});
    std::filesystem::remove_all(root);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->at("net.ipv4.conf.docker0.forwarding"), "1");
    EXPECT_EQ(s->at("net.ipv4.conf.vrfport.forwarding"), "1");
    EXPECT_FALSE(s->contains("net.ipv4.conf.veth1.forwarding"));
}

}  // namespace
}  // namespace dnd
