// The packet-path evaluator on rules loaded into scratch network namespaces and read back
// with collect_host_network (root only). With DND_UPDATE_FIXTURES=1 it records what it read
// (HostNetwork JSON, with the set lookups it made; rtnetlink bytes) for the fixture tests.
#include <unistd.h>

#include <gtest/gtest.h>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "path_testing.hpp"

namespace dnd {
namespace {

using namespace path_testing;

// Builds a namespace with `setup`, reads it, runs `expect` with live lookups, records.
template <class Expect>
void run_scenario(const std::string& tag, const std::string& setup, const std::string& fixture_name, Expect expect) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";
    Netns ns(tag);
    if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace";
    ASSERT_TRUE(ns.exec(kDockerHostShape)) << "could not shape the namespace";
    if (!ns.exec(setup)) GTEST_SKIP() << "could not load the rules (" << setup << ")";
    HostNetwork host;
    RtnlRawDump raw;
    ns.inside([&] {
        host = collect_host_network("/proc");
        if (auto r = dump_rtnetlink()) raw = *r;
        SetLookup live = live_set_lookup(host.set_lookups);
        expect(host, live);
    });
    ASSERT_TRUE(host.links.has_value()) << host.links.error().message;
    ASSERT_TRUE(host.nftables.has_value()) << host.nftables.error().message;
    if (update_fixtures()) {
        update_golden_file(fixture(fixture_name), nlohmann::json(host).dump(1) + "\n");
        if (tag == "docker") {
            const std::string dir = source_dir() + "/fixtures/rtnetlink/";
            update_golden_file(dir + "links.bin", raw.links);
            update_golden_file(dir + "addresses.bin", raw.addresses);
            update_golden_file(dir + "routes.bin", raw.routes);
        }
    }
}

TEST(PathLive, DockerPublishedPortAndDockerUser) {
    run_scenario("docker", "iptables-nft-restore < " + input("path-docker.rules"), "host-docker.json",
                 [](const HostNetwork& h, const SetLookup& l) { expect_docker_paths(h, l); });
}

TEST(PathLive, LegacyForwardPolicyBesideNft) {
    run_scenario("legacy",
                 "iptables-nft-restore < " + input("path-docker.rules") + "; iptables-legacy-restore < " +
                     input("path-legacy.rules"),
                 "host-legacy.json", [](const HostNetwork& h, const SetLookup& l) { expect_legacy_paths(h, l); });
}

TEST(PathLive, NativeSetsMapsAndGoto) {
    run_scenario("native", "nft -f " + input("path-native.nft"), "host-native.json",
                 [](const HostNetwork& h, const SetLookup& l) { expect_native_paths(h, l); });
}

TEST(PathLive, RtnetlinkSeesTheNamespace) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    Netns ns("links");
    if (!ns.ok()) GTEST_SKIP() << "cannot create a network namespace";
    ASSERT_TRUE(ns.exec(kDockerHostShape));
    HostNetwork host;
    ns.inside([&] { host = collect_host_network("/proc"); });
    ASSERT_TRUE(host.links.has_value()) << host.links.error().message;
    ASSERT_TRUE(host.sysctls.has_value()) << host.sysctls.error().message;
    EXPECT_EQ(host.sysctls->at("net.ipv4.ip_forward"), "1");  // the namespace's, not the host's
    bool bridge = false, port = false;
    for (const Link& l : *host.links) {
        if (l.name == "docker0") bridge = l.kind == "bridge";
        if (l.name == "vethdnd0") port = l.master == "docker0" && l.kind == "veth";
    }
    EXPECT_TRUE(bridge);
    EXPECT_TRUE(port);
}

}  // namespace
}  // namespace dnd
