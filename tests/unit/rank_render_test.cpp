// Ranking and rendering on hand-made facts with stand-in checks, so these tests do not
// depend on any real check's logic.
#include <gtest/gtest.h>

#include "docknetdoctor/rank.hpp"
#include "docknetdoctor/render.hpp"

namespace dnd {
namespace {

Facts running_web() {
    Facts f;
    f.tool_version = "test";
    f.query.container = "web";
    Container c;
    c.id = "0123456789abcdef";
    c.name = "web\x1b[31mred";
    c.state.status = "running";
    c.state.running = true;
    c.ports[PortKey{80, Proto::tcp}] = {HostBinding{"0.0.0.0", 8080}};
    f.container = c;
    f.engine = EngineInfo{};
    f.networks = std::vector<NetworkInfo>{};
    f.container_listeners = std::vector<Listener>{};
    f.host_listeners = std::vector<Listener>{};
    f.probes = std::vector<LadderProbe>{};
    return f;
}

CheckResult emits_warning(const Facts&) {
    return {{Finding{"exposure.public-sensitive-port", Severity::warning, "warn", std::nullopt, {"e"}, {}, {}}}, {}};
}
CheckResult emits_critical(const Facts&) {
    return {{Finding{"app.not-listening", Severity::critical, "crit \x1b]0;title\x07", PortKey{80, Proto::tcp}, {"e"}, {"f"}, {}}}, {}};
}
CheckResult emits_container_critical(const Facts&) {
    return {{Finding{"container.not-running", Severity::critical, "stopped", std::nullopt, {"e"}, {}, {}}}, {}};
}
CheckResult emits_nothing(const Facts&) { return {}; }
CheckResult cannot_decide(const Facts&) { return {{}, {"listeners unavailable"}}; }

TEST(Rank, WorstSeverityFirstThenLowerLayer) {
    const Check checks[] = {{"exposure.public-sensitive-port", emits_warning},
                            {"app.not-listening", emits_critical},
                            {"container.not-running", emits_container_critical}};
    Report r = build_report(running_web(), checks);
    ASSERT_EQ(r.causes.size(), 3u);
    EXPECT_EQ(r.causes[0].finding.id, "container.not-running");
    EXPECT_EQ(r.causes[1].finding.id, "app.not-listening");
    EXPECT_EQ(r.causes[2].finding.id, "exposure.public-sensitive-port");
    EXPECT_EQ(r.causes[2].rank, 3);
    EXPECT_EQ(r.verdict, Verdict::critical);
    EXPECT_EQ(exit_code(r.verdict), 2);
}

TEST(Rank, VerdictOkOnlyWhenEveryCheckDecided) {
    const Check quiet[] = {{"app.not-listening", emits_nothing}};
    EXPECT_EQ(build_report(running_web(), quiet).verdict, Verdict::ok);
    const Check blind[] = {{"app.not-listening", cannot_decide}};
    Report r = build_report(running_web(), blind);
    EXPECT_EQ(r.verdict, Verdict::unknown);
    ASSERT_EQ(r.undecided.size(), 1u);
    EXPECT_EQ(r.undecided[0].check, "app.not-listening");
    const Check warn[] = {{"exposure.public-sensitive-port", emits_warning}, {"app.not-listening", cannot_decide}};
    EXPECT_EQ(build_report(running_web(), warn).verdict, Verdict::warning);
}

TEST(Rank, MissingSourcesBecomeBlindSpots) {
    Facts f = running_web();
    f.host_listeners = fail("procfs", "permission denied: /proc/net/tcp");
    const Check quiet[] = {{"app.not-listening", emits_nothing}};
    Report r = build_report(f, quiet);
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].source, "procfs");
    EXPECT_EQ(r.blind_spots[0].message, "permission denied: /proc/net/tcp");
}

TEST(Render, TextSanitizesOutsideStringsAndHasNoColorUnlessAsked) {
    const Check checks[] = {{"app.not-listening", emits_critical}};
    Report r = build_report(running_web(), checks);
    std::string plain = render_text(r, TextStyle{false});
    EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
    EXPECT_EQ(plain.find('\x07'), std::string::npos);
    EXPECT_NE(plain.find("web\\x1b[31mred (0123456789ab): CRITICAL - crit \\x1b]0;title\\x07"), std::string::npos) << plain;
    EXPECT_NE(plain.find("80/tcp    0.0.0.0:8080"), std::string::npos) << plain;
    EXPECT_NE(plain.find("1. [critical] app.not-listening"), std::string::npos);
    std::string colored = render_text(r, TextStyle{true});
    EXPECT_NE(colored.find("\x1b[1;31mCRITICAL\x1b[0m"), std::string::npos);
}

TEST(Render, JsonCarriesTheContractFields) {
    const Check checks[] = {{"app.not-listening", emits_critical}};
    auto j = report_to_json(build_report(running_web(), checks));
    EXPECT_EQ(j["schema_version"], 1);
    EXPECT_EQ(j["verdict"], "critical");
    EXPECT_EQ(j["exit_code"], 2);
    EXPECT_EQ(j["causes"][0]["id"], "app.not-listening");
    EXPECT_EQ(j["causes"][0]["port"], "80/tcp");
    EXPECT_EQ(j["causes"][0]["rank"], 1);
    EXPECT_EQ(j["ports"][0]["bindings"][0]["host_port"], 8080);
    EXPECT_TRUE(j["probes"].is_array());
    EXPECT_TRUE(j["paths"].is_array());
    EXPECT_EQ(j["target"]["id"], "0123456789abcdef");
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

CheckResult stopped_by_bind_failure(const Facts&) {
    return {{Finding{"container.not-running", Severity::critical, "stopped", std::nullopt, {"State.Status = created"}, {}, {}}}, {}};
}
CheckResult bind_failure_explains_it(const Facts&) {
    return {{Finding{"port.host-port-conflict", Severity::critical, "host port 8082 is held by nc", PortKey{80, Proto::tcp},
                     {"State.Error = \"... address already in use\""}, {}, {"container.not-running"}}},
            {}};
}

TEST(Rank, ARootCauseRanksAboveWhatItExplains) {
    const Check checks[] = {{"container.not-running", stopped_by_bind_failure},
                            {"port.host-port-conflict", bind_failure_explains_it}};
    Report r = build_report(running_web(), checks);
    ASSERT_EQ(r.causes.size(), 2u);
    EXPECT_EQ(r.causes[0].finding.id, "port.host-port-conflict");
    EXPECT_EQ(r.causes[0].rank, 1);
    EXPECT_EQ(r.causes[1].finding.id, "container.not-running");
    EXPECT_EQ(r.causes[1].rank, 2);
    EXPECT_EQ(report_to_json(r)["causes"][0]["explains"][0], "container.not-running");
}

}  // namespace
}  // namespace dnd
