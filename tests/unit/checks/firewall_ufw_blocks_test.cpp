// firewall.ufw-blocks: UFW's rules, policies or ufw-docker's block drop the packet; named as
// `ufw status numbered` names the rule, fixed with a ufw command.
#include "check_case.hpp"
#include "ufw_host.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

// ufw route deny proto tcp to 172.17.0.2 port 80, below an ssh allowance: as ufw 0.36
// writes user.rules (fixtures/ufw has the whole file).
constexpr std::string_view kRouteDenyRules = R"(*filter
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### route:deny tcp 80 172.17.0.2 any 0.0.0.0/0 in
-A ufw-user-forward -p tcp -d 172.17.0.2 --dport 80 -j DROP

### END RULES ###
COMMIT
)";

// Docker's FORWARD with ufw-docker's hook: DOCKER-USER -j ufw-user-forward, and ufw-user-forward
// holding RULES; then what is under UFW's care: SETUP(table).
Facts ufw_docker_host(std::vector<nf::Rule> user_forward, std::string_view user_rules = kRouteDenyRules) {
    Facts f = FactsBuilder().build();
    nf::Table& filter = ip_filter(f);
    chain_in(filter, "DOCKER-USER").rules = {rule({verdict(Kind::jump, "ufw-user-forward")})};
    chain_in(filter, "ufw-user-forward").rules = std::move(user_forward);
    f.host->ufw = ufw_state(user_rules);
    return evaluated(std::move(f));
}

Facts route_denied() {
    return ufw_docker_host({rule(all_of({ip_daddr("172.17.0.2"), tcp_dport(80)}), verdict(Kind::drop))});
}

// "I ran ufw route deny for port 80 and forgot about it."
TEST(FirewallUfwBlocks, FiresForAUserRouteRuleNamedAsUfwListsIt) {
    auto r = checks::firewall_ufw_blocks().run(route_denied());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "firewall.ufw-blocks", tcp(80), Severity::critical,
                            "tcp to web port 80/tcp is dropped in the forward hook: UFW rule [ 2] 172.17.0.2 80/tcp "
                            "         DENY FWD    Anywhere"));
    EXPECT_THAT(f.evidence, Contains(HasSubstr("decided by: ip filter ufw-user-forward")));
    EXPECT_THAT(f.evidence, Contains("ufw status numbered: [ 2] 172.17.0.2 80/tcp          DENY FWD    Anywhere"));
    EXPECT_THAT(f.evidence, Contains("/etc/ufw/user.rules: ### tuple ### route:deny tcp 80 172.17.0.2 any 0.0.0.0/0 in"));
    EXPECT_THAT(f.fix, ElementsAre("turn UFW rule 2 into an allowance (ufw updates a rule of the same match in place); "
                                   "run: ufw route allow proto tcp from any to 172.17.0.2 port 80",
                                   "or, if UFW rule 2 is no longer wanted: ufw delete 2"));
}

// "ufw route deny from one lab client": an allowance for every client goes above it (ufw
// takes a rule of another match as a new one).
TEST(FirewallUfwBlocks, InsertsTheAllowanceAboveARuleOfAnotherMatch) {
    constexpr std::string_view rules = "### tuple ### route:deny tcp 80 172.17.0.2 any 203.0.113.77 in\n"
                                       "-A ufw-user-forward -p tcp -d 172.17.0.2 --dport 80 -s 203.0.113.77 -j DROP\n";
    Facts f = ufw_docker_host({rule(all_of({ip_saddr("203.0.113.77"), ip_daddr("172.17.0.2"), tcp_dport(80)}),
                                    verdict(Kind::drop))},
                              rules);
    Finding finding = the_finding(checks::firewall_ufw_blocks().run(f));
    EXPECT_EQ(finding.title, "tcp to web port 80/tcp is dropped in the forward hook: UFW rule [ 1] 172.17.0.2 80/tcp "
                             "         DENY FWD    203.0.113.77");
    EXPECT_THAT(finding.fix, ElementsAre("let it through above UFW rule 1; run: ufw route insert 1 allow proto tcp from "
                                         "any to 172.17.0.2 port 80",
                                         "or, if UFW rule 1 is no longer wanted: ufw delete 1"));
}

// "ufw-docker is set up and I never ran ufw route allow for the new container."
TEST(FirewallUfwBlocks, FiresForUfwDockersBlockWithARouteAllow) {
    Facts f = ufw_docker_host({});
    chain_in(ip_filter(f), "DOCKER-USER").rules.push_back(rule(ip_daddr("172.17.0.2"), verdict(Kind::jump, "ufw-docker-logging-deny")));
    chain_in(ip_filter(f), "ufw-docker-logging-deny").rules = {rule({verdict(Kind::drop)})};
    f.host->ufw = ufw_state("");
    Finding finding = the_finding(checks::firewall_ufw_blocks().run(evaluated(f)));
    EXPECT_EQ(finding.title, "tcp to web port 80/tcp is dropped in the forward hook: ufw-docker's DOCKER-USER block "
                             "(/etc/ufw/after.rules)");
    EXPECT_THAT(finding.evidence, Contains("/etc/ufw/after.rules: -A DOCKER-USER -j ufw-user-forward"));
    EXPECT_THAT(finding.fix, ElementsAre("allow it with a UFW route rule, which ufw-docker's block consults first; run: "
                                         "ufw route allow proto tcp from any to 172.17.0.2 port 80"));
}

// "Docker's ACCEPT rules are gone and UFW's FORWARD policy drops": its default routed policy.
TEST(FirewallUfwBlocks, FiresForUfwsDefaultRoutedPolicy) {
    Facts f = ufw_docker_host({});
    nf::Chain& forward = chain_in(ip_filter(f), "FORWARD");
    forward.base->policy = Kind::drop;
    Finding finding = the_finding(checks::firewall_ufw_blocks().run(evaluated(f)));
    EXPECT_EQ(finding.title, "tcp to web port 80/tcp is dropped in the forward hook: UFW's default routed policy");
    EXPECT_THAT(finding.evidence, Contains("/etc/default/ufw: DEFAULT_FORWARD_POLICY=\"DROP\""));
    EXPECT_THAT(finding.fix, ElementsAre("allow it in UFW, before UFW's default routed policy; run: ufw route allow proto "
                                         "tcp from any to 172.17.0.2 port 80"));
}

// "user.rules is not readable to me": the rule is named by its place, and why.
TEST(FirewallUfwBlocks, NamesTheRuleByItsPlaceWhenUserRulesIsUnreadable) {
    Facts f = route_denied();
    f.host->ufw->rules = fail("ufw", "/etc/ufw/user.rules: Permission denied");
    Finding finding = the_finding(checks::firewall_ufw_blocks().run(f));
    EXPECT_EQ(finding.title, "tcp to web port 80/tcp is dropped in the forward hook: rule 1 of UFW's ufw-user-forward chain");
    EXPECT_THAT(finding.evidence, Contains("UFW's rules could not be read (/etc/ufw/user.rules: Permission denied): the "
                                           "rule is named by its place only"));
    EXPECT_THAT(finding.fix, ElementsAre("allow it in UFW, before rule 1 of UFW's ufw-user-forward chain; run: ufw route "
                                         "allow proto tcp from any to 172.17.0.2 port 80"));
}

// "I edited user.rules by hand and did not reload": the file is not what the kernel runs.
TEST(FirewallUfwBlocks, DoesNotNameARuleFromAFileTheKernelDoesNotRun) {
    Facts f = route_denied();
    chain_in(ip_filter(f), "ufw-user-forward").rules.push_back(rule(tcp_dport(81), verdict(Kind::drop)));
    Finding finding = the_finding(checks::firewall_ufw_blocks().run(evaluated(f)));
    EXPECT_EQ(finding.title, "tcp to web port 80/tcp is dropped in the forward hook: rule 1 of UFW's ufw-user-forward chain");
    EXPECT_THAT(finding.evidence, Contains("/etc/ufw/user.rules does not load the 2 rules the kernel's ufw-user-forward "
                                           "holds (changed since ufw last loaded it?): the rule is named by its place only"));
}

// "ufw-docker with ufw route allow for the container": healthy.
TEST(FirewallUfwBlocks, QuietWhenAUfwRouteRuleAllows) {
    auto f = ufw_docker_host({rule(all_of({ip_daddr("172.17.0.2"), tcp_dport(80)}), verdict(Kind::accept))});
    EXPECT_TRUE(quiet(checks::firewall_ufw_blocks().run(f)));
}

// A drop in the host's own nftables table is netfilter.forward-drop's, and UFW's drop is not.
TEST(FirewallUfwBlocks, SharesNoDropWithNetfilterForwardDrop) {
    auto own = FactsBuilder()
                   .nftables_table(table(nf::Family::inet, "filter",
                                         {base_chain("forward", nf::ChainType::filter, nf::Hook::forward, 0, Kind::drop)}))
                   .build();
    EXPECT_TRUE(quiet(checks::firewall_ufw_blocks().run(own)));
    EXPECT_TRUE(quiet(checks::netfilter_forward_drop().run(route_denied())));
}

}  // namespace
}  // namespace dnd
