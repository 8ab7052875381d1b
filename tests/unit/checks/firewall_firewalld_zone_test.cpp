// firewall.firewalld-zone: firewalld refuses the container's traffic, named as firewalld names
// it (the zone, the policy, the rich rule, StrictForwardPorts) and fixed with firewall-cmd.
// The table is firewalld 1.3's forward path as the sandbox's real firewalld 1.3.3 made it
// (tests/integration/firewalld_test.cpp), trimmed: DNAT'd packets accepted first, the rest
// sent to the ingress zone's chain, whose policies-pre jump lets traffic out to zone docker's
// interfaces through Docker's docker-forwarding policy, then rejected.
#include "check_case.hpp"
#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "docknetdoctor/model/firewalld.hpp"
#include "ufw_host.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

// ct status dnat: the conntrack status bit IPS_DST_NAT, which the kernel keeps in host order.
std::vector<nf::Expr> ct_status_dnat() {
    return {nf::Ct{nf::CtKey::status, kReg1, std::nullopt, std::nullopt},
            nf::Bitwise{nf::BitwiseOp::mask_xor, kReg1, kReg1, 4, nf::Bytes{0x20, 0, 0, 0}, nf::Bytes{0, 0, 0, 0}, 0},
            nf::Cmp{nf::CmpOp::neq, kReg1, nf::Bytes{0, 0, 0, 0}}};
}

struct FirewalldSetup {
    bool docker0_in_docker_zone = true;
    bool strict_forward_ports = false;            // no `ct status dnat accept` (firewalld 2.3)
    std::vector<nf::Rule> policy_deny{};          // docker-forwarding's deny chain (its rich rules)
};

nf::Table firewalld_table(const FirewalldSetup& s) {
    // firewalld 2.3 with StrictForwardPorts=yes sends DNAT'd packets to filter_FORWARD_dnat,
    // which accepts only its own forward ports (none here) and rejects the rest.
    std::vector<nf::Rule> forward;
    forward.push_back(s.strict_forward_ports ? rule(ct_status_dnat(), verdict(Kind::jump, "filter_FORWARD_dnat"))
                                             : rule(ct_status_dnat(), verdict(Kind::accept)));
    forward.push_back(rule({verdict(Kind::jump, "filter_FORWARD_ZONES")}));
    forward.push_back(rule({verdict(Kind::drop)}));
    // firewalld matches `oifname "docker0"` here; the container's address stands for it.
    std::vector<nf::Rule> policies_pre;
    if (s.docker0_in_docker_zone)
        policies_pre.push_back(rule(ip_daddr("172.17.0.2"), verdict(Kind::jump, "filter_FWD_policy_docker-forwarding")));
    return table(nf::Family::inet, "firewalld",
                 {base_chain("filter_FORWARD", nf::ChainType::filter, nf::Hook::forward, 10, Kind::accept, forward),
                  regular_chain("filter_FORWARD_dnat", {rule({verdict(Kind::drop)})}),
                  regular_chain("filter_FORWARD_ZONES", {rule({verdict(Kind::goto_, "filter_FWD_public")})}),
                  regular_chain("filter_FORWARD_POLICIES_pre", policies_pre),
                  regular_chain("filter_FWD_public", {rule({verdict(Kind::jump, "filter_FORWARD_POLICIES_pre")}),
                                                      rule({verdict(Kind::drop)})}),
                  regular_chain("filter_FWD_policy_docker-forwarding",
                                {rule({verdict(Kind::jump, "filter_FWD_policy_docker-forwarding_deny")}),
                                 rule({verdict(Kind::accept)})}),
                  regular_chain("filter_FWD_policy_docker-forwarding_deny", s.policy_deny)});
}

FirewalldZone zone(std::string name, std::string target, std::vector<std::string> interfaces = {}) {
    FirewalldZone z;
    z.name = std::move(name);
    z.rules.target = std::move(target);
    z.interfaces = std::move(interfaces);
    return z;
}

// What firewalld answers over D-Bus for that table.
FirewalldState runtime_state(const FirewalldSetup& s) {
    FirewalldState state;
    state.source = FirewalldSource::runtime;
    state.bus_address = "unix:path=/run/dbus/system_bus_socket";
    state.version = "1.3.3";
    state.default_zone = "public";
    state.backend = "nftables";
    state.zones = {zone("docker", "ACCEPT", s.docker0_in_docker_zone ? std::vector<std::string>{"docker0"}
                                                                      : std::vector<std::string>{}),
                   zone("public", "default")};
    state.zones[1].rules.services = {"ssh", "dhcpv6-client"};
    FirewalldPolicy policy;
    policy.name = "docker-forwarding";
    policy.rules.target = "ACCEPT";
    policy.ingress_zones = {"ANY"};
    policy.egress_zones = {"docker"};
    state.policies = {policy};
    state.interface_zones = {{"docker0", s.docker0_in_docker_zone ? "docker" : ""}, {"eth0", ""}};
    if (s.strict_forward_ports) state.strict_forward_ports = true;
    return state;
}

std::string fixture_tree(const char* name) { return std::string(DND_SOURCE_DIR) + "/fixtures/firewalld/" + name; }

Facts firewalld_host(const FirewalldSetup& s, FactsBuilder builder = FactsBuilder()) {
    Facts f = builder.nftables_table(firewalld_table(s)).build();
    f.host->firewalld = runtime_state(s);
    return evaluated(std::move(f));
}

// "docker0 fell into the default zone after a reboot": routed access to the container refused.
TEST(FirewallFirewalldZone, FiresForABridgeInNoZoneNamingTheDefaultZone) {
    const Facts f = firewalld_host({.docker0_in_docker_zone = false}, FactsBuilder().direct());
    Finding finding = the_finding(checks::firewall_firewalld_zone().run(f));
    EXPECT_EQ(finding.id, "firewall.firewalld-zone");
    EXPECT_THAT(finding.title, HasSubstr("dropped in the forward hook: firewalld zone public"));
    EXPECT_THAT(finding.evidence, Contains("firewalld: docker0 is in no zone, so in the default zone (public)"));
    EXPECT_THAT(finding.evidence, Contains("firewalld zone public: services: ssh dhcpv6-client"));
    EXPECT_THAT(finding.evidence, Contains(HasSubstr("decided by: inet firewalld filter_FWD_public")));
    ASSERT_FALSE(finding.fix.empty());
    EXPECT_EQ(finding.fix[0], "put docker0 in Docker's zone, as dockerd does when it reaches firewalld over D-Bus at "
                              "start; run: firewall-cmd --zone=docker --change-interface=docker0 && firewall-cmd "
                              "--permanent --zone=docker --change-interface=docker0");
}

// A bridge in no zone while the published port works: its routed and outbound traffic is
// refused all the same, said without a packet.
TEST(FirewallFirewalldZone, FiresForABridgeInNoZoneWhileThePublishedPortPasses) {
    const Facts f = firewalld_host({.docker0_in_docker_zone = false});
    Finding finding = the_finding(checks::firewall_firewalld_zone().run(f));
    EXPECT_EQ(finding.severity, Severity::warning);
    EXPECT_EQ(finding.title, "firewalld keeps docker0 (network bridge) in zone public (it is in no zone: the default "
                             "zone): traffic routed to web and its own connections out are refused; published ports "
                             "pass only through firewalld's acceptance of DNAT'd traffic");
    EXPECT_THAT(finding.fix[0], HasSubstr("run: firewall-cmd --zone=docker --change-interface=docker0"));
}

TEST(FirewallFirewalldZone, FiresForAPolicyRichRuleNamingTheRule) {
    FirewalldSetup s;
    s.policy_deny = {rule(ip_daddr("172.17.0.2"), verdict(Kind::drop))};
    Facts f = firewalld_host(s, FactsBuilder().direct());
    const std::string rich = "rule family=\"ipv4\" source address=\"203.0.113.77\" reject";
    f.host->firewalld->policies[0].rules.rich_rules = {"rule family=\"ipv4\" source address=\"198.51.100.9\" drop", rich};
    Finding finding = the_finding(checks::firewall_firewalld_zone().run(f));
    EXPECT_THAT(finding.title, HasSubstr(": firewalld policy docker-forwarding's rich rule '" + rich + "'"));
    EXPECT_THAT(finding.evidence, Contains("firewalld policy docker-forwarding: ingress zones ANY, egress zones docker"));
    EXPECT_THAT(finding.evidence, Contains("firewalld policy docker-forwarding: rich rule: " + rich));
    EXPECT_EQ(finding.fix[0], "remove the rich rule of policy docker-forwarding that refuses it; run: firewall-cmd "
                              "--policy=docker-forwarding --remove-rich-rule='" + rich + "' && firewall-cmd --permanent "
                              "--policy=docker-forwarding --remove-rich-rule='" + rich + "'");
}

// Rich rules none of which names the client: the policy is named, not a guess among them.
TEST(FirewallFirewalldZone, FiresForAPolicyNamingItWhenNoRichRuleNamesTheClient) {
    FirewalldSetup s;
    s.policy_deny = {rule(ip_daddr("172.17.0.2"), verdict(Kind::drop))};
    Facts f = firewalld_host(s, FactsBuilder().direct());
    f.host->firewalld->policies[0].rules.rich_rules = {"rule family=\"ipv4\" source address=\"198.51.100.9\" drop",
                                                       "rule family=\"ipv4\" source address=\"198.51.100.10\" reject"};
    Finding finding = the_finding(checks::firewall_firewalld_zone().run(f));
    EXPECT_THAT(finding.title, ::testing::EndsWith(": firewalld policy docker-forwarding"));
    EXPECT_THAT(finding.fix[0], HasSubstr("firewall-cmd --info-policy=docker-forwarding"));
}

// firewalld 2.3's StrictForwardPorts=yes, as its files say it (fixtures/firewalld: v2.3.0's
// configuration with Docker's zone and policy): a published port firewalld does not forward.
TEST(FirewallFirewalldZone, FiresForStrictForwardPortsWithAForwardPortFix) {
    Facts f = firewalld_host({.strict_forward_ports = true});
    f.host->firewalld = read_firewalld_files(fixture_tree("firewalld-2.3-strict-forward-ports"), {"docker0", "eth0"});
    f.host->firewalld->runtime_unread = "the system bus at unix:path=/run/dbus/system_bus_socket: getDefaultZone: no "
                                        "answer in time";
    const CheckResult r = checks::firewall_firewalld_zone().run(f);
    ASSERT_FALSE(r.findings.empty()) << describe(r);
    const Finding& finding = r.findings[0];
    EXPECT_THAT(finding.title, HasSubstr("firewalld's StrictForwardPorts=yes: 8080/tcp is not a forward port of firewalld's"));
    EXPECT_THAT(finding.evidence, Contains(HasSubstr("firewalld's runtime state was not read")));
    EXPECT_THAT(finding.fix[0], HasSubstr("run: firewall-cmd --zone=public --add-forward-port=port=8080:proto=tcp:toport=80:"
                                          "toaddr=172.17.0.2 && firewall-cmd --permanent --zone=public"));
}

// RHEL 9's zones with Docker's zone and policy, read from the files: nothing refuses the
// published port, and docker0's runtime binding is not guessed.
TEST(FirewallFirewalldZone, QuietOnRhel9sZonesWithDockersZoneAndPolicy) {
    Facts f = firewalld_host({});
    f.host->firewalld = read_firewalld_files(fixture_tree("rhel9-firewalld-1.3"), {"docker0", "eth0"});
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(f)));
}

TEST(FirewallFirewalldZone, QuietWhenTheBridgeIsInDockersZone) {
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(firewalld_host({}, FactsBuilder().direct()))));
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(firewalld_host({}))));
}

TEST(FirewallFirewalldZone, QuietWithoutFirewalld) {
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(FactsBuilder().build())));
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(FactsBuilder().direct().build())));
}

// Read from its files only, docker0's binding is not known (Docker binds it at runtime): no
// guess about its zone.
TEST(FirewallFirewalldZone, QuietAboutABindingTheFilesCannotShow) {
    Facts f = firewalld_host({.docker0_in_docker_zone = false});
    f.host->firewalld->source = FirewalldSource::files;
    f.host->firewalld->runtime_unread = "the system bus at unix:path=/run/dbus/system_bus_socket: no answer in time";
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(f)));
}

TEST(FirewallFirewalldZone, QuietUnderToAboutTheSourcesBridge) {
    Facts f = firewalld_host({.docker0_in_docker_zone = false});
    f.query.to = "db:5432";
    EXPECT_TRUE(quiet(checks::firewall_firewalld_zone().run(f)));
}

}  // namespace
}  // namespace dnd
