// UFW in the report: files it could not read are blind spots with the reason, and the rest of
// the diagnosis is unchanged; a drop in its chains is still reported, named by its place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_case.hpp"
#include "checks/ufw_host.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

constexpr std::string_view kRouteDeny = "### tuple ### route:deny tcp 80 172.17.0.2 any 0.0.0.0/0 in\n"
                                        "-A ufw-user-forward -p tcp -d 172.17.0.2 --dport 80 -j DROP\n";

Facts ufw_route_deny(Result<UfwRules> rules) {
    Facts f = FactsBuilder().build();
    nf::Table& filter = ip_filter(f);
    chain_in(filter, "DOCKER-USER").rules = {rule({verdict(Kind::jump, "ufw-user-forward")})};
    chain_in(filter, "ufw-user-forward").rules = {rule(all_of({ip_daddr("172.17.0.2"), tcp_dport(80)}), verdict(Kind::drop))};
    UfwState state = ufw_state(kRouteDeny);
    state.rules = std::move(rules);
    f.host->ufw = state;
    return evaluated(std::move(f));
}

TEST(UfwReport, UnreadableRulesAreABlindSpotAndTheDropIsStillReported) {
    const Report r = build_report(ufw_route_deny(fail("ufw", "/etc/ufw/user.rules: Permission denied")), all_checks());
    EXPECT_THAT(render_text(r, {}), HasSubstr("  ufw: /etc/ufw/user.rules: Permission denied\n"));
    ASSERT_FALSE(r.causes.empty());
    EXPECT_EQ(r.causes[0].finding.id, "firewall.ufw-blocks");
    EXPECT_EQ(r.causes[0].finding.title,
              "tcp to web port 80/tcp is dropped in the forward hook: rule 1 of UFW's ufw-user-forward chain");
}

TEST(UfwReport, ReadableRulesLeaveNoBlindSpotAndNameTheRule) {
    const Report r = build_report(ufw_route_deny(parse_ufw_rules_file(kRouteDeny, false, 1)), all_checks());
    for (const auto& b : r.blind_spots) EXPECT_NE(b.source, "ufw") << b.message;
    ASSERT_FALSE(r.causes.empty());
    EXPECT_THAT(r.causes[0].finding.title, HasSubstr("UFW rule [ 1] 172.17.0.2 80/tcp"));
}

TEST(UfwReport, MalformedTuplesAreSaidAsUfwSkipsThem) {
    auto rules = parse_ufw_rules_file(std::string(kRouteDeny) + "### tuple ### allow tcp\n", false, 1);
    ASSERT_EQ(rules.malformed, 1);
    const Report r = build_report(ufw_route_deny(rules), all_checks());
    EXPECT_THAT(r.notes, Contains("UFW: 1 malformed rule tuple(s) in user.rules/user6.rules skipped, as ufw skips them"));
}

// ufw.conf itself unreadable: UFW is a blind spot; a host without UFW needs no word.
TEST(UfwReport, UnreadableUfwConfIsABlindSpotAndNoUfwIsSilent) {
    Facts f = FactsBuilder().build();
    f.host->ufw = fail("ufw", "/etc/ufw/ufw.conf: Permission denied");
    EXPECT_THAT(render_text(build_report(f, all_checks()), {}), HasSubstr("  ufw: /etc/ufw/ufw.conf: Permission denied\n"));
    UfwState none;
    none.rules = fail("ufw", "ufw is not installed (no /etc/ufw/ufw.conf)");
    none.docker_user_hooked = false;
    f.host->ufw = none;
    const std::string text = render_text(build_report(f, all_checks()), {});
    EXPECT_EQ(text.find("ufw"), std::string::npos) << text;
}

}  // namespace
}  // namespace dnd
