// firewalld's configuration read from its files (fixtures/firewalld/README.md: trees copied
// from firewalld's own config at named tags, and what firewalld's own writer made of Docker's
// zone and policy), checked against firewalld's own `--list-all` output where there is one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "docknetdoctor/model/firewalld.hpp"
#include "fixture_files.hpp"

namespace dnd {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string tree(const std::string& name) { return std::string(DND_SOURCE_DIR) + "/fixtures/firewalld/" + name; }

// "  services: cockpit dhcpv6-client ssh" of firewall-cmd --list-all, split.
std::vector<std::string> list_all_field(const std::string& text, const std::string& field) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const std::string prefix = "  " + field + ":";
        if (!line.starts_with(prefix)) continue;
        std::istringstream words(line.substr(prefix.size()));
        std::vector<std::string> values;
        for (std::string w; words >> w;) values.push_back(w);
        return values;
    }
    return {};
}

TEST(FirewalldFiles, ReadsZonesAsFirewallCmdListsThem) {
    const FirewalldState s = read_firewalld_files(tree("rhel9-firewalld-1.3"), {"docker0", "eth0"});
    EXPECT_EQ(s.source, FirewalldSource::files);
    EXPECT_EQ(s.default_zone, "public");
    EXPECT_EQ(s.backend, "nftables");
    EXPECT_FALSE(s.strict_forward_ports.has_value());  // firewalld 1.3 has no such setting
    EXPECT_THAT(s.unreadable, IsEmpty());
    const FirewalldZone* pub = find_zone(s, "public");
    ASSERT_NE(pub, nullptr);
    const std::string key = testing::read_text(tree("rhel9-firewalld-1.3") + "/list-all-public.txt");
    std::vector<std::string> services = pub->rules.services;
    std::sort(services.begin(), services.end());  // firewall-cmd prints them sorted
    EXPECT_EQ(services, list_all_field(key, "services"));
    EXPECT_EQ(pub->rules.ports, list_all_field(key, "ports"));
    EXPECT_THAT(list_all_field(key, "target"), ElementsAre("default"));
    EXPECT_EQ(pub->rules.target, "");  // no target attribute: firewalld's "default"
    EXPECT_TRUE(pub->forward);
    // The /etc file replaces the shipped one whole: the shipped public.xml has no 8080/tcp.
    EXPECT_THAT(pub->rules.ports, ElementsAre("8080/tcp"));
}

TEST(FirewalldFiles, ReadsDockersZoneAndPolicyAndTheShippedOnes) {
    const FirewalldState s = read_firewalld_files(tree("rhel9-firewalld-1.3"), {"docker0"});
    const FirewalldZone* docker = find_zone(s, "docker");
    ASSERT_NE(docker, nullptr);
    EXPECT_EQ(docker->rules.target, "ACCEPT");
    const FirewalldPolicy* forwarding = find_policy(s, "docker-forwarding");
    ASSERT_NE(forwarding, nullptr);
    EXPECT_EQ(forwarding->rules.target, "ACCEPT");
    EXPECT_THAT(forwarding->ingress_zones, ElementsAre("ANY"));
    EXPECT_THAT(forwarding->egress_zones, ElementsAre("docker"));
    const FirewalldPolicy* ipv6 = find_policy(s, "allow-host-ipv6");
    ASSERT_NE(ipv6, nullptr);
    EXPECT_EQ(ipv6->rules.target, "CONTINUE");
    EXPECT_EQ(ipv6->priority, -15000);
    EXPECT_THAT(ipv6->rules.rich_rules, Contains(HasSubstr("rule family=\"ipv6\" icmp-type name=\"neighbour-advertisement\" accept")));
    EXPECT_NE(find_zone(s, "trusted"), nullptr);
    // Docker binds docker0 at runtime only: no file names it, so its zone is not known.
    EXPECT_EQ(s.interface_zones.at("docker0"), "");
    EXPECT_FALSE(interface_binding_known(s, "docker0"));
    EXPECT_EQ(effective_zone_of(s, "docker0"), std::nullopt);
}

TEST(FirewalldFiles, ReadsStrictForwardPortsAndForwardPorts) {
    const FirewalldState s = read_firewalld_files(tree("firewalld-2.3-strict-forward-ports"), {});
    ASSERT_TRUE(s.strict_forward_ports.has_value());
    EXPECT_TRUE(*s.strict_forward_ports);
    const FirewalldZone* pub = find_zone(s, "public");
    ASSERT_NE(pub, nullptr);
    ASSERT_EQ(pub->rules.forward_ports.size(), 1u);
    EXPECT_EQ(pub->rules.forward_ports[0].port, "8080");
    EXPECT_EQ(pub->rules.forward_ports[0].protocol, "tcp");
    EXPECT_EQ(pub->rules.forward_ports[0].to_port, "80");
    EXPECT_EQ(pub->rules.forward_ports[0].to_addr, "172.17.0.2");
}

TEST(FirewalldFiles, BindingInAZoneFileIsKnown) {
    const FirewalldState s = read_firewalld_files(tree("bridge-in-default-zone"), {"docker0", "eth0"});
    EXPECT_EQ(s.interface_zones.at("docker0"), "public");
    EXPECT_TRUE(interface_binding_known(s, "docker0"));
    EXPECT_EQ(effective_zone_of(s, "docker0"), "public");
    EXPECT_EQ(find_zone(s, "docker"), nullptr);
    EXPECT_FALSE(interface_binding_known(s, "eth0"));
}

TEST(FirewalldFiles, MalformedZoneIsABlindSpotAndTheRestIsRead) {
    const FirewalldState s = read_firewalld_files(tree("malformed-zone"), {});
    ASSERT_EQ(s.unreadable.size(), 1u);
    EXPECT_THAT(s.unreadable[0], HasSubstr("zone public: "));
    EXPECT_THAT(s.unreadable[0], HasSubstr("/etc/firewalld/zones/public.xml: line "));
    EXPECT_EQ(find_zone(s, "public"), nullptr);
    EXPECT_NE(find_zone(s, "docker"), nullptr);
    EXPECT_NE(find_policy(s, "docker-forwarding"), nullptr);
}

TEST(FirewalldFiles, NotInstalledIsNothingToRead) {
    const FirewalldState s = read_firewalld_files(tree("no-such-tree"), {"docker0"});
    EXPECT_EQ(s.source, FirewalldSource::none);
    EXPECT_THAT(s.zones, IsEmpty());
}

TEST(FirewalldFiles, SavedAndReplayed) {
    const FirewalldState s = read_firewalld_files(tree("firewalld-2.3-strict-forward-ports"), {"docker0"});
    const nlohmann::json j = s;
    const FirewalldState back = j.get<FirewalldState>();
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(back.strict_forward_ports, std::optional<bool>(true));
    EXPECT_EQ(back.source, FirewalldSource::files);
}

TEST(FirewalldChainOwner, NamesTheZoneOrPolicyOfAChain) {
    const auto zone = firewalld_chain_owner("filter_FWD_public_deny");
    ASSERT_TRUE(zone);
    EXPECT_EQ(zone->zone, "public");
    EXPECT_EQ(zone->part, "deny");
    const auto policy = firewalld_chain_owner("filter_FWD_policy_docker-forwarding_allow");
    ASSERT_TRUE(policy);
    EXPECT_EQ(policy->policy, "docker-forwarding");
    EXPECT_EQ(policy->part, "allow");
    const auto underscored = firewalld_chain_owner("filter_IN_my_zone");
    ASSERT_TRUE(underscored);
    EXPECT_EQ(underscored->zone, "my_zone");
    EXPECT_EQ(underscored->part, "");
    EXPECT_FALSE(firewalld_chain_owner("filter_FORWARD"));
    EXPECT_FALSE(firewalld_chain_owner("filter_INPUT_ZONES"));
    EXPECT_FALSE(firewalld_chain_owner("filter_FORWARD_POLICIES_pre"));
}

}  // namespace
}  // namespace dnd
