// Ranking and rendering on hand-made facts with stand-in checks, so these tests do not
// depend on any real check's logic.
#include <gtest/gtest.h>

#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "schema_validation.hpp"
#include "catalog_stub.hpp"

namespace dnd {
namespace {

PathStep step(std::string hook, std::string where, std::optional<std::uint64_t> handle, std::string rule, StepResult result,
              std::string note) {
    return PathStep{std::move(hook), std::move(where), handle, std::move(rule), result, std::move(note)};
}

// A client on another host to 0.0.0.0:8080 -> 80/tcp, DNAT'd to 172.17.0.2:80; the forward
// hook decides with `last`.
PathResult outside_path(PathStep last, PathVerdict verdict) {
    PathResult p;
    p.packet = Packet{4, "eth0", "203.0.113.77", "192.0.2.10", Proto::tcp, 40000, 8080};
    p.final_packet = Packet{4, "eth0", "203.0.113.77", "172.17.0.2", Proto::tcp, 40000, 80};
    p.steps = {step("prerouting", "ip nat PREROUTING", 6, "ip nat PREROUTING handle 6: fib daddr type local counter jump DOCKER",
                    StepResult::jump, "jump to DOCKER"),
               step("prerouting", "ip nat DOCKER", 11,
                    "ip nat DOCKER handle 11: iifname != \"docker0\" tcp dport 8080 counter dnat to 172.17.0.2:80",
                    StepResult::dnat, "daddr rewritten to 172.17.0.2:80"),
               step("routing", "routing", std::nullopt, "forward via docker0", StepResult::route,
                    "172.17.0.2 via route 172.17.0.0/16 dev docker0"),
               step("forward", "ip filter FORWARD", 8, "ip filter FORWARD handle 8: counter jump DOCKER-USER", StepResult::jump,
                    "jump to DOCKER-USER"),
               last};
    p.verdict = verdict;
    p.decided_by = last.rule;
    p.decided_hook = "forward";
    return p;
}

PathResult dropped_in_docker_user() {
    return outside_path(step("forward", "ip filter DOCKER-USER", 7, "ip filter DOCKER-USER handle 7: ip saddr 203.0.113.0/24 counter drop",
                             StepResult::matched_drop, "drop"),
                        PathVerdict::dropped);
}

PathResult accepted_to_container() {
    PathResult p = outside_path(
        step("forward", "ip filter DOCKER", 14,
             "ip filter DOCKER handle 14: iifname != \"docker0\" oifname \"docker0\" ip daddr 172.17.0.2 tcp dport 80 counter accept",
             StepResult::matched_accept, "accept"),
        PathVerdict::forwarded);
    p.out_interface = "docker0";
    return p;
}

Facts running_web() {
    Facts f;
    f.selinux = SelinuxState{};  // a host without SELinux: a note, not a blind spot
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
    f.paths = std::vector<PathResult>{accepted_to_container()};
    return f;
}

CheckResult emits_warning(const Facts&) {
    return {{Finding{"exposure.public-sensitive-port", Severity::warning, "warn", std::nullopt, {"e"}, {}, {}, {}}}, {}};
}
CheckResult emits_critical(const Facts&) {
    return {{Finding{"app.not-listening", Severity::critical, "crit \x1b]0;title\x07", PortKey{80, Proto::tcp}, {"e"}, {"f"}, {}, {}}}, {}};
}
CheckResult emits_container_critical(const Facts&) {
    return {{Finding{"container.not-running", Severity::critical, "stopped", std::nullopt, {"e"}, {}, {}, {}}}, {}};
}
CheckResult emits_nothing(const Facts&) { return {}; }
CheckResult cannot_decide(const Facts&) { return {{}, {"listeners unavailable"}}; }

TEST(Rank, WorstSeverityFirstThenLowerLayer) {
    const auto checks = testing::catalog_running({{"exposure.public-sensitive-port", emits_warning},
                                                  {"app.not-listening", emits_critical},
                                                  {"container.not-running", emits_container_critical}});
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
    const auto quiet = testing::catalog_running({{"app.not-listening", emits_nothing}});
    EXPECT_EQ(build_report(running_web(), quiet).verdict, Verdict::ok);
    const auto blind = testing::catalog_running({{"app.not-listening", cannot_decide}});
    Report r = build_report(running_web(), blind);
    EXPECT_EQ(r.verdict, Verdict::unknown);
    ASSERT_EQ(r.undecided.size(), 1u);
    EXPECT_EQ(r.undecided[0].check, "app.not-listening");
    const auto warn = testing::catalog_running({{"exposure.public-sensitive-port", emits_warning}, {"app.not-listening", cannot_decide}});
    EXPECT_EQ(build_report(running_web(), warn).verdict, Verdict::warning);
}

TEST(Rank, MissingSourcesBecomeBlindSpots) {
    Facts f = running_web();
    f.host_listeners = fail("procfs", "permission denied: /proc/net/tcp");
    const auto quiet = testing::catalog_running({{"app.not-listening", emits_nothing}});
    Report r = build_report(f, quiet);
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].source, "procfs");
    EXPECT_EQ(r.blind_spots[0].message, "permission denied: /proc/net/tcp");
}

// Every field that carries engine or kernel text: the binding's HostIp, the id, the
// confidence reason (it quotes the container), a path step's hook, an 8-bit C1 byte.
TEST(Render, TextSanitizesEveryOutsideField) {
    const auto checks = testing::catalog_running({{"app.not-listening", emits_critical}});
    Facts f = running_web();
    f.container->id = "\x1b[2J\x9b" "2Jabcdef0123456789";
    f.container->ports[PortKey{80, Proto::tcp}] = {HostBinding{"\x1b]0;owned\x07", 8080}};
    Report r = build_report(f, checks);
    r.causes.front().confidence_reason = "quoting \x1b[2J\x9b" "2J";
    PathResult path;
    path.verdict = PathVerdict::dropped;
    path.steps.push_back(PathStep{});
    path.steps.back().hook = "input\x1b[2J";
    path.steps.back().rule = "rule";
    r.paths.push_back(path);
    const std::string plain = render_text(r, TextStyle{false});
    for (unsigned char ch : plain)
        EXPECT_FALSE((ch < 0x20 && ch != '\n') || ch == 0x7f) << int(ch) << plain;
    EXPECT_EQ(plain.find('\x1b'), std::string::npos) << plain;
    EXPECT_EQ(plain.find('\x9b'), std::string::npos) << plain;
    EXPECT_NE(plain.find("\\x1b]0;owned\\x07:8080"), std::string::npos) << plain;
    EXPECT_NE(plain.find("quoting \\x1b[2J\\x9b2J"), std::string::npos) << plain;
    EXPECT_NE(plain.find("input\\x1b[2J"), std::string::npos) << plain;
}

TEST(Render, TextSanitizesOutsideStringsAndHasNoColorUnlessAsked) {
    const auto checks = testing::catalog_running({{"app.not-listening", emits_critical}});
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
    const auto checks = testing::catalog_running({{"app.not-listening", emits_critical}});
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
    return {{Finding{"container.not-running", Severity::critical, "stopped", std::nullopt, {"State.Status = created"}, {}, {}, {}}}, {}};
}
CheckResult bind_failure_explains_it(const Facts&) {
    return {{Finding{"port.host-port-conflict", Severity::critical, "host port 8082 is held by nc", PortKey{80, Proto::tcp},
                     {"State.Error = \"... address already in use\""}, {}, {"container.not-running"}, {}}},
            {}};
}

TEST(Rank, ARootCauseRanksAboveWhatItExplains) {
    const auto checks = testing::catalog_running({{"container.not-running", stopped_by_bind_failure},
                                                  {"port.host-port-conflict", bind_failure_explains_it}});
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

namespace dnd {
namespace {

Report report_with_paths(std::vector<PathResult> paths) {
    Facts f = running_web();
    f.paths = std::move(paths);
    return build_report(f, {});
}

TEST(RenderPaths, ADroppedPathNamesTheRuleInNftSyntax) {
    const std::string text = render_text(report_with_paths({dropped_in_docker_user()}), TextStyle{false});
    EXPECT_NE(text.find("\nPacket paths"), std::string::npos) << text;
    EXPECT_NE(text.find("  203.0.113.77 -> 192.0.2.10:8080/tcp via eth0: DNAT 172.17.0.2:80, dropped by "
                        "ip filter DOCKER-USER handle 7: ip saddr 203.0.113.0/24 counter drop\n"),
              std::string::npos)
        << text;
    // The deciding steps, not the jumps that led there.
    EXPECT_NE(text.find("      prerouting   ip nat DOCKER handle 11: iifname != \"docker0\" tcp dport 8080 counter dnat to 172.17.0.2:80\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("      routing      forward via docker0  (172.17.0.2 via route 172.17.0.0/16 dev docker0)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("      forward      ip filter DOCKER-USER handle 7: ip saddr 203.0.113.0/24 counter drop\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("jump DOCKER-USER"), std::string::npos) << text;
    EXPECT_EQ(text.find("jump DOCKER\n"), std::string::npos) << text;
}

TEST(RenderPaths, AnAcceptedDnatPathSaysWhereItIsForwarded) {
    const std::string text = render_text(report_with_paths({accepted_to_container()}), TextStyle{false});
    EXPECT_NE(text.find("  203.0.113.77 -> 192.0.2.10:8080/tcp via eth0: DNAT 172.17.0.2:80, forwarded via docker0: accepted\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("      forward      ip filter DOCKER handle 14: iifname != \"docker0\" oifname \"docker0\" ip daddr "
                        "172.17.0.2 tcp dport 80 counter accept\n"),
              std::string::npos)
        << text;
}

TEST(RenderPaths, AnUnknownVerdictSaysWhyOnceAndALocalClientIsFromThisHost) {
    PathResult p;
    p.packet = Packet{6, "", "::1", "::1", Proto::udp, 40000, 5353};
    p.final_packet = p.packet;
    p.steps = {step("output", "inet blocklist output", 3, "inet blocklist output handle 3: ip6 saddr @blocked6 counter drop",
                    StepResult::unknown, "set blocked6 was not read and the key was never looked up")};
    p.verdict = PathVerdict::unknown;
    p.decided_by = "unknown: set blocked6 was not read and the key was never looked up (otherwise sent by inet filter output policy accept)";
    p.decided_hook = "output";
    const std::string text = render_text(report_with_paths({p}), TextStyle{false});
    EXPECT_NE(text.find("  ::1 -> [::1]:5353/udp from this host: unknown: set blocked6 was not read and the key was never "
                        "looked up (otherwise sent by inet filter output policy accept)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("      output       inet blocklist output handle 3: ip6 saddr @blocked6 counter drop  (set blocked6 was "
                        "not read and the key was never looked up)\n"),
              std::string::npos)
        << text;
}

TEST(RenderPaths, RuleTextFromTheHostIsSanitized) {
    PathResult p = dropped_in_docker_user();
    p.decided_by = "ip filter DOCKER-USER handle 7: counter drop comment \"\x1b[2Jgone\"";
    p.steps.back().rule = p.decided_by;
    const std::string text = render_text(report_with_paths({p}), TextStyle{false});
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_NE(text.find("comment \"\\x1b[2Jgone\""), std::string::npos) << text;
}

TEST(RenderPaths, JsonPathsFollowTheSchema) {
    const Report r = report_with_paths({dropped_in_docker_user(), accepted_to_container()});
    const nlohmann::json j = report_to_json(r);
    ASSERT_EQ(j["paths"].size(), 2u);
    const auto& dropped = j["paths"][0];
    EXPECT_EQ(dropped["verdict"], "dropped");
    EXPECT_EQ(dropped["decided_by"], "ip filter DOCKER-USER handle 7: ip saddr 203.0.113.0/24 counter drop");
    EXPECT_EQ(dropped["decided_hook"], "forward");
    EXPECT_EQ(dropped["packet"]["daddr"], "192.0.2.10");
    EXPECT_EQ(dropped["packet"]["proto"], "tcp");
    EXPECT_EQ(dropped["final_packet"]["daddr"], "172.17.0.2");
    EXPECT_EQ(dropped["final_packet"]["dport"], 80);
    EXPECT_EQ(dropped["steps"][4]["rule_handle"], 7);
    EXPECT_EQ(dropped["steps"][4]["result"], "drop");
    EXPECT_FALSE(dropped["steps"][2].contains("rule_handle"));  // routing has no handle
    EXPECT_EQ(j["paths"][1]["verdict"], "forwarded");
    EXPECT_EQ(j["paths"][1]["out_interface"], "docker0");
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));

    // The schema pins the enums: a verdict it does not know must fail, or the check above says nothing.
    nlohmann::json bad = j;
    bad["paths"][0]["verdict"] = "probably-dropped";
    bad["paths"][1]["steps"][0]["result"] = "maybe";
    bad["paths"][1]["packet"].erase("iif");
    const auto result = test::validate_against_schema(bad, test::report_schema_path());
    ASSERT_FALSE(result);
    const std::string message = result.message();
    EXPECT_NE(message.find("/paths/0/verdict"), std::string::npos) << message;
    EXPECT_NE(message.find("/paths/1/steps/0/result"), std::string::npos) << message;
    EXPECT_NE(message.find("/paths/1/packet"), std::string::npos) << message;
}

TEST(RankPaths, PathsThatCouldNotBeEvaluatedAreABlindSpot) {
    Facts f = running_web();
    f.paths = fail("path", "needs the host's routes (permission denied)");
    const Report r = build_report(f, {});
    EXPECT_TRUE(r.paths.empty());
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].source, "path");
    EXPECT_EQ(r.blind_spots[0].message, "needs the host's routes (permission denied)");
    EXPECT_NE(render_text(r, TextStyle{false}).find("  path: needs the host's routes (permission denied)\n"), std::string::npos);
    EXPECT_EQ(render_text(r, TextStyle{false}).find("Packet paths"), std::string::npos);
}

TEST(RankPaths, APublishedPortWithoutAnyPacketIsABlindSpotNotSilence) {
    Facts f = running_web();
    f.query.from = "198.51.100.7";
    f.paths = std::vector<PathResult>{};
    const Report r = build_report(f, {});
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].source, "path");
    EXPECT_EQ(r.blind_spots[0].message,
              "no packet path evaluated for a client at 198.51.100.7: no route from this host back to 198.51.100.7, "
              "or no published address of its address family");

    // Nothing published: nothing to evaluate, nothing missing.
    f.container->ports.clear();
    EXPECT_TRUE(build_report(f, {}).blind_spots.empty());
}

TEST(RankPaths, TheQuestionSaysWhenTheClientIsOnThisHost) {
    Facts f = running_web();
    f.query.from = "192.0.2.10";
    EXPECT_EQ(build_report(f, {}).question, "can a client at 192.0.2.10 reach the published ports of container web\x1b[31mred?");
    f.query.from_is_local = true;
    f.query.port = PortKey{80, Proto::tcp};
    EXPECT_EQ(build_report(f, {}).question, "can a client on this host (192.0.2.10) reach port 80/tcp of container web\x1b[31mred?");
}

TEST(RankPaths, TheReportCarriesThePathsInOrder) {
    Facts f = running_web();
    f.paths = std::vector<PathResult>{accepted_to_container(), dropped_in_docker_user()};
    const Report r = build_report(f, {});
    ASSERT_EQ(r.paths.size(), 2u);
    EXPECT_EQ(r.paths[0].verdict, PathVerdict::forwarded);
    EXPECT_EQ(r.paths[1].verdict, PathVerdict::dropped);
    EXPECT_TRUE(r.blind_spots.empty());
}

}  // namespace
}  // namespace dnd
