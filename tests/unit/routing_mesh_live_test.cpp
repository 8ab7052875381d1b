// The routing mesh read for real (root only): a scratch namespace with ingress_sbox's mangle
// marks and one with the host's DOCKER-INGRESS rules (fixtures/ipvs/inputs/), each read the
// way the tool reads them. With DND_UPDATE_FIXTURES=1 the rulesets read are written to
// fixtures/ipvs/ as JSON, which the check's fixture cases load.
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"
#include "fixture_files.hpp"
#include "scratch_netns.hpp"

namespace dnd {
namespace {

using ::testing::HasSubstr;
using testing::ScratchNetns;

std::string ipvs_fixtures() { return std::string(DND_SOURCE_DIR) + "/fixtures/ipvs"; }

// A scratch namespace with fixtures/ipvs/inputs/NAME loaded by iptables-nft-restore.
struct LoadedNetns {
    explicit LoadedNetns(const std::string& tag, const std::string& rules) : netns(tag) {
        loaded = netns.ok() && netns.exec("iptables-nft-restore " + ipvs_fixtures() + "/inputs/" + rules);
    }
    ScratchNetns netns;
    bool loaded = false;
};

#define SKIP_UNLESS_LOADED(n)                                                                   \
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";     \
    if (!(n).netns.ok()) GTEST_SKIP() << "cannot create a network namespace";                   \
    ASSERT_TRUE((n).loaded) << "loading the rules into " << (n).netns.name() << " failed"

bool kernel_has_ipvs_here() {
    struct stat info {};
    return ::stat("/sys/module/ip_vs", &info) == 0;
}

TEST(RoutingMeshLive, ReadsTheMarksOfIngressSboxFromInsideIt) {
    LoadedNetns sbox("mesh-sbox", "ingress-sbox.rules");
    SKIP_UNLESS_LOADED(sbox);
    auto mesh = read_routing_mesh(sbox.netns.path());
    ASSERT_TRUE(mesh.has_value()) << mesh.error().message;
    EXPECT_EQ(mesh->sandbox, sbox.netns.path());
    ASSERT_TRUE(mesh->nftables.has_value()) << mesh->nftables.error().message;
    ASSERT_TRUE(mesh->iptables_legacy.has_value()) << mesh->iptables_legacy.error().message;
    if (testing::update_fixtures())
        testing::update_golden_file(ipvs_fixtures() + "/ingress-sbox-nftables.json", nlohmann::json(*mesh->nftables).dump(1) + "\n");

    const auto http = prerouting_mark_rules_for(*mesh->nftables, Proto::tcp, 80);
    ASSERT_EQ(http.size(), 1U);
    EXPECT_EQ(http.front().mark, 0x100U);
    EXPECT_TRUE(http.front().port_known);
    EXPECT_THAT(http.front().rule, HasSubstr("ip mangle PREROUTING"));
    const auto https = prerouting_mark_rules_for(*mesh->nftables, Proto::tcp, 443);
    ASSERT_EQ(https.size(), 1U);
    EXPECT_EQ(https.front().mark, 0x101U);
    EXPECT_TRUE(prerouting_mark_rules_for(*mesh->nftables, Proto::tcp, 8080).empty());
    EXPECT_TRUE(prerouting_mark_rules_for(*mesh->nftables, Proto::udp, 80).empty());

    // The kernel's own answer about IPVS, beside /sys/module's.
    if (kernel_has_ipvs_here()) {
        ASSERT_TRUE(mesh->ipvs.has_value()) << mesh->ipvs.error().message;
        EXPECT_TRUE(mesh->ipvs->empty()) << "a fresh namespace holds no IPVS service";
    } else {
        ASSERT_FALSE(mesh->ipvs.has_value());
        EXPECT_EQ(mesh->ipvs.error().message, "this kernel has no IPVS (no \"IPVS\" generic netlink family)");
    }
}

// An engine on iptables-legacy writes the same marks there; nft's own `meta mark set` is read
// too; a mark under a mask is not a value this can name.
TEST(RoutingMeshLive, MarksInIptablesLegacyOrNativeNftAreReadTooAndAMaskedOneIsNotGuessed) {
    ScratchNetns netns("mesh-marks");
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, CAP_NET_ADMIN)";
    if (!netns.ok()) GTEST_SKIP() << "cannot create a network namespace";
    ASSERT_TRUE(netns.exec("iptables-legacy -t mangle -A PREROUTING -p tcp --dport 80 -j MARK --set-mark 0x100"));
    ASSERT_TRUE(netns.exec("iptables-legacy -t mangle -A PREROUTING -p udp --dport 53 -j MARK --set-xmark 0x100/0xff00"));
    ASSERT_TRUE(netns.exec("nft add table inet dndmesh && nft add chain inet dndmesh pre "
                           "'{ type filter hook prerouting priority -150; }' && "
                           "nft add rule inet dndmesh pre tcp dport 8443 meta mark set 0x102"));
    auto mesh = read_routing_mesh(netns.path());
    ASSERT_TRUE(mesh.has_value()) << mesh.error().message;
    ASSERT_TRUE(mesh->iptables_legacy.has_value()) << mesh->iptables_legacy.error().message;
    ASSERT_TRUE(mesh->nftables.has_value()) << mesh->nftables.error().message;

    const auto legacy = prerouting_mark_rules_for(*mesh->iptables_legacy, Proto::tcp, 80);
    ASSERT_EQ(legacy.size(), 1U);
    EXPECT_EQ(legacy.front().mark, 0x100U);
    const auto masked = prerouting_mark_rules_for(*mesh->iptables_legacy, Proto::udp, 53);
    ASSERT_EQ(masked.size(), 1U);
    EXPECT_EQ(masked.front().mark, std::nullopt) << masked.front().rule;
    const auto native = prerouting_mark_rules_for(*mesh->nftables, Proto::tcp, 8443);
    ASSERT_EQ(native.size(), 1U);
    EXPECT_EQ(native.front().mark, 0x102U) << native.front().rule;
}

TEST(RoutingMeshLive, ReadsTheHostsIngressDnat) {
    LoadedNetns host("mesh-host", "host-ingress.rules");
    SKIP_UNLESS_LOADED(host);
    auto ruleset = host.netns.inside([] { return std::optional<Result<nf::Ruleset>>(nf::read_nftables()); });
    ASSERT_TRUE(ruleset.has_value());
    ASSERT_TRUE(ruleset->has_value()) << (*ruleset).error().message;
    if (testing::update_fixtures())
        testing::update_golden_file(ipvs_fixtures() + "/host-ingress-nftables.json", nlohmann::json(**ruleset).dump(1) + "\n");
    const auto dnat = dnat_rules_for(**ruleset, Proto::tcp, 80);
    ASSERT_EQ(dnat.size(), 1U);
    EXPECT_THAT(dnat.front().rule, HasSubstr("DOCKER-INGRESS"));
    EXPECT_THAT(dnat.front().rule, HasSubstr("172.18.0.2:80"));
}

TEST(RoutingMeshLive, ANamespaceThatIsNotThereIsAnErrorNotAnEmptyMesh) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    auto mesh = read_routing_mesh("/run/netns/dnd-no-such-ingress-sbox");
    ASSERT_FALSE(mesh.has_value());
    EXPECT_THAT(mesh.error().message, HasSubstr("/run/netns/dnd-no-such-ingress-sbox"));
}

TEST(RoutingMesh, IngressSboxSitsBesideEveryContainersSandbox) {
    EXPECT_EQ(ingress_sandbox_beside("/var/run/docker/netns/7a3b2c1d0e9f"), "/var/run/docker/netns/ingress_sbox");
    EXPECT_EQ(ingress_sandbox_beside("/tmp/sb/exec/netns/1-8p2rzb5j98"), "/tmp/sb/exec/netns/ingress_sbox");
    EXPECT_EQ(ingress_sandbox_beside(""), "");
    EXPECT_EQ(ingress_sandbox_beside("ingress_sbox"), "");
}

}  // namespace
}  // namespace dnd
