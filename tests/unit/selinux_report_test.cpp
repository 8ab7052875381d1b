// SELinux in the report as the user reads it: on a host without it, one note and nothing
// else; unreadable state or denials, a blind spot; a denial, the top cause; and the state
// saved with --save-facts replays the same.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/selinux_case.hpp"
#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "docker_fake_engine.hpp"
#include "run_binary.hpp"
#include "schema_validation.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// The lines of text that mention what.
std::size_t lines_with(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) n += line.find(what) != std::string::npos;
    return n;
}

TEST(SelinuxReport, AHostWithoutSelinuxSaysSoOnceAndNothingElse) {
    const Report r = build_report(FactsBuilder().build(), all_checks());
    EXPECT_THAT(r.notes, ElementsAre("SELinux is not enabled: no /sys/fs/selinux (the kernel runs without SELinux)"));
    for (const auto& b : r.blind_spots) EXPECT_NE(b.source, "selinux");
    for (const auto& c : r.causes) EXPECT_FALSE(c.finding.id.starts_with("selinux.")) << c.finding.id;
    const std::string text = render_text(r, {});
    EXPECT_EQ(lines_with(text, "SELinux"), 1U) << text;
    EXPECT_THAT(text, HasSubstr("\nNotes\n  SELinux is not enabled: no /sys/fs/selinux"));
    const auto json = report_to_json(r);
    EXPECT_EQ(json.at("notes").size(), 1U);
    EXPECT_TRUE(test::validate_against_schema(json, test::report_schema_path()));
}

TEST(SelinuxReport, StateOrDenialsThatCannotBeReadAreBlindSpots) {
    const Report unreadable =
        build_report(FactsBuilder().unavailable(testing::Fact::selinux, "cannot read /sys/fs/selinux/enforce: "
                                                                        "Permission denied")
                         .build(),
                     all_checks());
    EXPECT_THAT(render_text(unreadable, {}), HasSubstr("  selinux: cannot read /sys/fs/selinux/enforce: Permission denied\n"));
    auto s = enforcing_targeted();
    s.denials = fail("selinux", "cannot read /var/log/audit/audit.log: Permission denied");
    const Report no_log = build_report(FactsBuilder().selinux(s).build(), all_checks());
    EXPECT_THAT(render_text(no_log, {}), HasSubstr("  selinux: cannot read /var/log/audit/audit.log: Permission denied\n"));
    EXPECT_THAT(no_log.notes, IsEmpty());
}

TEST(SelinuxReport, ALogReadInPartOrWithLinesSkippedIsSaid) {
    auto s = enforcing_targeted();
    s.denials->tail_only = true;
    s.denials->bytes_read = 16777216;
    s.denials->skipped_lines = 3;
    const Report r = build_report(FactsBuilder().selinux(s).build(), all_checks());
    EXPECT_THAT(r.notes, ElementsAre("SELinux denials: only the newest 16777216 bytes of /var/log/audit/audit.log were read",
                                     "SELinux denials: 3 unreadable line(s) of /var/log/audit/audit.log skipped "
                                     "(malformed, cut short or binary)"));
}

TEST(SelinuxReport, AProxysDenialIsTheTopCauseAndTheVerdictCritical) {
    const std::string record =
        "type=AVC msg=audit(1764336000.358:1081): avc:  denied  { name_connect } for  pid=5642 comm=\"nginx\" dest=8080 "
        "scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket";
    const Report r = build_report(FactsBuilder().selinux(with_denial(enforcing_targeted(), record)).build(), all_checks());
    ASSERT_FALSE(r.causes.empty());
    EXPECT_EQ(r.causes.front().finding.id, "selinux.denial");
    EXPECT_EQ(r.verdict, Verdict::critical);
    EXPECT_THAT(render_text(r, {}), HasSubstr("run: setsebool -P httpd_can_network_relay 1"));
}

TEST(SelinuxReport, TheStateRoundTripsThroughAFactsFile) {
    const std::string record =
        "type=AVC msg=audit(1764336000.358:1081): avc:  denied  { name_connect } for  pid=5642 comm=\"nginx\" dest=8080 "
        "scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket "
        "permissive=0";
    auto s = with_host_client(with_denial(enforcing_targeted(), record), 900, "nginx", kHttpdLabel, 8080);
    const Facts facts = FactsBuilder().selinux(s).build();
    const std::string saved = facts_to_json(facts).dump();
    auto loaded = facts_from_json_text(saved);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(facts_to_json(*loaded).dump(), saved);
    EXPECT_EQ(report_to_json(build_report(*loaded, all_checks())).at("causes"),
              report_to_json(build_report(facts, all_checks())).at("causes"));
}

// docknetdoctor --save-facts on the SELinux host, --facts on another machine: the same answer.
TEST(SelinuxReport, ASavedSelinuxHostReplaysWithTheBinary) {
    const std::string record =
        "type=AVC msg=audit(1764336000.358:1081): avc:  denied  { name_connect } for  pid=5642 comm=\"nginx\" dest=8080 "
        "scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket";
    testing::TempDir dir;
    const auto path = dir.path() / "selinux.facts.json";
    std::ofstream(path) << facts_to_json(FactsBuilder().selinux(with_denial(enforcing_targeted(), record)).build()).dump();
    const auto run = test::run_docknetdoctor({"--facts", path.string(), "--format", "json"});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    const auto report = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << run.out;
    EXPECT_EQ(report.at("causes").at(0).at("id"), "selinux.denial");
}

TEST(SelinuxReport, AnUnknownProcessRoleInAFactsFileIsAnError) {
    auto s = with_host_client(enforcing_targeted(), 900, "nginx", kHttpdLabel, 8080);
    auto json = facts_to_json(FactsBuilder().selinux(s).build());
    json["selinux"]["processes"][0]["role"] = "proxy";
    auto loaded = facts_from_json_text(json.dump());
    ASSERT_FALSE(loaded);
    EXPECT_THAT(loaded.error().message, HasSubstr("unknown process role: proxy"));
}

}  // namespace
}  // namespace dnd
