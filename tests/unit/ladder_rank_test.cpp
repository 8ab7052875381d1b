// The localization ladder: which probes it plans from Facts, and how their outcomes rank
// the findings (confirmed above open above contradicted; confidence explained by the probe
// it quotes; path.unexplained when no finding accounts for the first failing rung).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/rank/ladder_evidence.hpp"
#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/probe/probe_ladder.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "schema_validation.hpp"
#include "catalog_stub.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;

constexpr PortKey kHttp{80, Proto::tcp};

Facts web_facts() {
    Facts f;
    f.selinux = SelinuxState{};  // a host without SELinux: a note, not a blind spot
    f.tool_version = "test";
    f.query.container = "web";
    Container c;
    c.id = "0123456789abcdef";
    c.name = "web";
    c.state.status = "running";
    c.state.running = true;
    c.state.pid = 4242;
    c.network_mode = "bridge";
    c.ports[kHttp] = {HostBinding{"0.0.0.0", 8080}, HostBinding{"::", 8080}};
    c.port_bindings[kHttp] = {HostBinding{"", 8080}};
    NetworkAttachment net;
    net.network = "bridge";
    net.ip_address = "172.17.0.2";
    c.networks.push_back(net);
    f.container = c;
    f.engine = EngineInfo{};
    f.networks = std::vector<NetworkInfo>{};
    f.container_listeners = std::vector<Listener>{};
    f.host_listeners = std::vector<Listener>{};
    f.probes = std::vector<LadderProbe>{};
    // The outside path was evaluated (what it says is not these tests' concern): no blind spot.
    PathResult outside;
    outside.verdict = PathVerdict::forwarded;
    f.paths = std::vector<PathResult>{outside};
    return f;
}

const std::vector<std::string> kHostAddresses{"127.0.0.1", "10.0.0.5", "172.17.0.1", "::1", "fe80::42:acff:fe11:1"};

struct Planned {
    Rung rung;
    std::string address;
    std::uint16_t port;
    bool operator==(const Planned&) const = default;
};

std::vector<Planned> planned(const std::vector<LadderProbe>& probes) {
    std::vector<Planned> out;
    for (const auto& p : probes) out.push_back({p.rung, p.probe.target.address, p.probe.target.port});
    return out;
}

std::ostream& operator<<(std::ostream& os, const Planned& p) {
    return os << to_string(p.rung) << " " << p.address << ":" << p.port;
}

LadderProbe probe(Rung rung, std::string address, std::uint16_t port, ProbeStatus status, double ms,
                  std::string detail = "", PortKey container_port = kHttp) {
    LadderProbe p;
    p.port = container_port;
    p.rung = rung;
    const bool inside = rung == Rung::container_loopback || rung == Rung::container_address;
    p.probe.target = ProbeTarget{std::move(address), port, container_port.proto, inside ? "inside web" : "the host"};
    p.probe.outcome = status;
    p.probe.latency_ms = ms;
    p.probe.detail = std::move(detail);
    return p;
}

// The ladder of a bridge container whose rungs pass up to `last_passing` and fail above.
std::vector<LadderProbe> ladder(ProbeStatus loopback, ProbeStatus address, ProbeStatus host_to_container,
                                ProbeStatus published) {
    return {probe(Rung::container_loopback, "127.0.0.1", 80, loopback, 0.2),
            probe(Rung::container_address, "172.17.0.2", 80, address, 0.2),
            probe(Rung::host_to_container, "172.17.0.2", 80, host_to_container, 0.3),
            probe(Rung::host_published, "127.0.0.1", 8080, published, published == ProbeStatus::timeout ? 2000 : 1.0)};
}

Finding finding(std::string id, std::optional<PortKey> port = kHttp) {
    Finding f = new_finding(find_check(id)->cause);
    f.title = id + " title";
    f.port = port;
    f.evidence = {"static evidence"};
    return f;
}

// Stand-in checks: the ranking is under test, not the real checks.
CheckResult loopback_only(const Facts&) { return {{finding("app.loopback-only")}, {}}; }
CheckResult not_listening(const Facts&) { return {{finding("app.not-listening")}, {}}; }
CheckResult forward_drop(const Facts&) { return {{finding("netfilter.forward-drop")}, {}}; }
CheckResult public_port(const Facts&) { return {{finding("exposure.public-sensitive-port")}, {}}; }
CheckResult input_drop(const Facts&) { return {{finding("netfilter.input-drop")}, {}}; }
CheckResult not_running(const Facts&) { return {{finding("container.not-running", std::nullopt)}, {}}; }
CheckResult rootless(const Facts&) { return {{finding("engine.rootless", std::nullopt)}, {}}; }

const RankedCause* cause(const Report& r, std::string_view id) {
    for (const auto& c : r.causes)
        if (c.finding.id == id) return &c;
    return nullptr;
}

// ---- planning ---------------------------------------------------------------------------

TEST(LadderPlan, BridgeContainerGetsAllFourRungsAndWildcardsMeanHostAddresses) {
    const LadderPlan plan = plan_probe_ladder(web_facts(), kHostAddresses);
    EXPECT_EQ(plan.netns_path, "/proc/4242/ns/net");
    EXPECT_EQ(planned(plan.inside), (std::vector<Planned>{{Rung::container_loopback, "127.0.0.1", 80},
                                                          {Rung::container_address, "172.17.0.2", 80}}));
    // 0.0.0.0: every IPv4 host address, loopback included; ::: the IPv6 ones except
    // link-local (no scope to dial it with).
    EXPECT_EQ(planned(plan.outside), (std::vector<Planned>{{Rung::host_to_container, "172.17.0.2", 80},
                                                           {Rung::host_published, "127.0.0.1", 8080},
                                                           {Rung::host_published, "10.0.0.5", 8080},
                                                           {Rung::host_published, "172.17.0.1", 8080},
                                                           {Rung::host_published, "::1", 8080}}));
    EXPECT_EQ(plan.inside.front().probe.target.vantage, "inside web");
    EXPECT_EQ(plan.outside.front().probe.target.vantage, "the host");
}

TEST(LadderPlan, SpecificBindingAndUdpPortAreProbedAsPublished) {
    Facts f = web_facts();
    f.container->ports.clear();
    f.container->port_bindings.clear();
    f.container->ports[PortKey{53, Proto::udp}] = {HostBinding{"127.0.0.1", 5353}};
    const LadderPlan plan = plan_probe_ladder(f, kHostAddresses);
    ASSERT_EQ(plan.outside.size(), 2u);
    EXPECT_EQ(planned(plan.outside), (std::vector<Planned>{{Rung::host_to_container, "172.17.0.2", 53},
                                                           {Rung::host_published, "127.0.0.1", 5353}}));
    for (const auto& p : plan.inside) EXPECT_EQ(p.probe.target.proto, Proto::udp);
    EXPECT_EQ(plan.outside.back().port, (PortKey{53, Proto::udp}));
}

TEST(LadderPlan, RungsThatDoNotApplyAreLeftOut) {
    Facts stopped = web_facts();
    stopped.container->state.running = false;
    stopped.container->state.status = "exited";
    const LadderPlan none_at_all = plan_probe_ladder(stopped, kHostAddresses);
    EXPECT_TRUE(none_at_all.inside.empty());
    EXPECT_TRUE(none_at_all.outside.empty());

    Facts isolated = web_facts();
    isolated.container->network_mode = "none";
    const LadderPlan loopback_only_plan = plan_probe_ladder(isolated, kHostAddresses);
    EXPECT_EQ(planned(loopback_only_plan.inside), (std::vector<Planned>{{Rung::container_loopback, "127.0.0.1", 80}}));
    EXPECT_TRUE(loopback_only_plan.outside.empty());

    // Host network: -p is ignored; the host port it names (showing that), then the app's own
    // port on the host's non-loopback addresses.
    Facts host = web_facts();
    host.container->network_mode = "host";
    host.container->networks.clear();
    const LadderPlan host_plan = plan_probe_ladder(host, kHostAddresses);
    EXPECT_EQ(planned(host_plan.inside), (std::vector<Planned>{{Rung::container_loopback, "127.0.0.1", 80}}));
    EXPECT_EQ(planned(host_plan.outside), (std::vector<Planned>{{Rung::host_published, "10.0.0.5", 8080},
                                                                {Rung::host_published, "172.17.0.1", 8080},
                                                                {Rung::host_published, "10.0.0.5", 80},
                                                                {Rung::host_published, "172.17.0.1", 80}}));
}

TEST(LadderRun, UnenterableNetnsMakesInsideRungsErrorsAndKeepsTheHostRungs) {
    LadderPlan plan;
    plan.netns_path = "/nonexistent/ns/net";
    plan.inside = {probe(Rung::container_loopback, "127.0.0.1", 80, ProbeStatus::error, 0)};
    // Port 1 on loopback: nothing listens there, the host answers at once.
    plan.outside = {probe(Rung::host_published, "127.0.0.1", 1, ProbeStatus::error, 0)};
    auto result = run_ladder_plan(plan, 1000ms);
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->size(), 2u);
    EXPECT_EQ((*result)[0].rung, Rung::container_loopback);
    EXPECT_EQ((*result)[0].probe.outcome, ProbeStatus::error);
    EXPECT_NE((*result)[0].probe.detail.find("/nonexistent/ns/net"), std::string::npos) << (*result)[0].probe.detail;
    EXPECT_EQ((*result)[1].probe.outcome, ProbeStatus::refused);

    plan.outside.clear();
    auto nothing_ran = run_ladder_plan(plan, 1000ms);
    ASSERT_FALSE(nothing_ran);
    EXPECT_EQ(nothing_ran.error().source, "probe");
}

// ---- ranking ------------------------------------------------------------------------------

TEST(LadderRank, ConfirmedCauseOutranksTheOneTheProbesContradict) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    // Registry order puts app.not-listening first; the probes must reorder.
    const auto checks = testing::catalog_running({{"app.not-listening", not_listening}, {"app.loopback-only", loopback_only}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 2u);
    EXPECT_EQ(r.causes[0].finding.id, "app.loopback-only");
    EXPECT_EQ(r.causes[0].confidence, Confidence::high);
    EXPECT_EQ(r.causes[0].confidence_reason,
              "confirmed by the probes: probe from inside web to 127.0.0.1:80/tcp: open in 0.2 ms; "
              "probe from inside web to 172.17.0.2:80/tcp: refused in 0.2 ms");
    EXPECT_EQ(r.causes[1].finding.id, "app.not-listening");
    EXPECT_EQ(r.causes[1].confidence, Confidence::low);
    EXPECT_EQ(r.causes[1].confidence_reason,
              "contradicted by the probes: probe from inside web to 127.0.0.1:80/tcp: open in 0.2 ms");
    EXPECT_EQ(r.causes[1].rank, 2);
    EXPECT_EQ(r.ports.at(0).first_failing_rung, Rung::container_address);
    EXPECT_EQ(r.verdict, Verdict::critical);
}

TEST(LadderRank, TheSameFindingsSwapPlacesWhenTheProbesSayTheOpposite) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    const auto checks = testing::catalog_running({{"app.loopback-only", loopback_only}, {"app.not-listening", not_listening}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 2u);
    EXPECT_EQ(r.causes[0].finding.id, "app.not-listening");
    EXPECT_EQ(r.causes[0].confidence, Confidence::high);
    EXPECT_EQ(r.causes[1].finding.id, "app.loopback-only");
    EXPECT_EQ(r.causes[1].confidence, Confidence::low);
    EXPECT_EQ(r.ports.at(0).first_failing_rung, Rung::container_loopback);
    // The app's failure explains the rungs above it: no path.unexplained.
    EXPECT_EQ(cause(r, "path.unexplained"), nullptr);
}

TEST(LadderRank, CriticalTheProbesCannotTestOutranksAConfirmedWarning) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::open, ProbeStatus::open);
    const auto checks = testing::catalog_running({{"exposure.public-sensitive-port", public_port},
                                                  {"engine.rootless", rootless},
                                                  {"netfilter.forward-drop", forward_drop}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 3u);
    // What makes the port unreachable leads a risk, though only the risk is confirmed: local
    // probes never cross the forward hook, so they leave the drop open, and say why.
    EXPECT_EQ(r.causes[0].finding.id, "netfilter.forward-drop");
    EXPECT_EQ(r.causes[0].confidence, Confidence::medium);
    EXPECT_NE(r.causes[0].confidence_reason.find("do not traverse prerouting or forward"), std::string::npos)
        << r.causes[0].confidence_reason;
    EXPECT_EQ(r.causes[1].finding.id, "exposure.public-sensitive-port");
    EXPECT_EQ(r.causes[1].confidence, Confidence::high);
    // Context (info) comes last whatever the probes say.
    EXPECT_EQ(r.causes[2].finding.id, "engine.rootless");
    EXPECT_EQ(r.verdict, Verdict::critical);
}

TEST(LadderRank, FailingRungNoFindingExplainsIsPathUnexplained) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::open, ProbeStatus::timeout);
    const Report r = build_report(f, {});
    ASSERT_EQ(r.causes.size(), 1u);
    const RankedCause& c = r.causes[0];
    EXPECT_EQ(c.finding.id, "path.unexplained");
    EXPECT_EQ(c.finding.severity, Severity::warning);
    EXPECT_EQ(c.finding.port, kHttp);
    EXPECT_EQ(c.finding.title, "the connection to 80/tcp dies at rung 4 (published address) and no check explains why");
    ASSERT_EQ(c.finding.evidence.size(), 2u);
    EXPECT_EQ(c.finding.evidence[0], "probe from the host to 127.0.0.1:8080/tcp: timeout after 2000 ms");
    EXPECT_EQ(c.finding.evidence[1], "probe from the host to 172.17.0.2:80/tcp: open in 0.3 ms");
    EXPECT_NE(c.finding.fix.at(0).find("port 8080"), std::string::npos) << c.finding.fix.at(0);
    EXPECT_EQ(c.confidence, Confidence::high);
    EXPECT_EQ(r.verdict, Verdict::warning);
}

TEST(LadderRank, AFindingForThatRungExplainsItAndIsConfirmed) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::open, ProbeStatus::timeout);
    const auto checks = testing::catalog_running({{"netfilter.input-drop", input_drop}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 1u) << r.causes.back().finding.id;
    EXPECT_EQ(r.causes[0].finding.id, "netfilter.input-drop");
    EXPECT_EQ(r.causes[0].confidence, Confidence::high);
    EXPECT_NE(r.causes[0].confidence_reason.find("127.0.0.1:8080/tcp: timeout after 2000 ms"), std::string::npos);
}

TEST(LadderRank, AFindingForAnotherPortDoesNotExplainThisOne) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    auto other_port = [](const Facts&) { return CheckResult{{finding("app.not-listening", PortKey{443, Proto::tcp})}, {}}; };
    const auto checks = testing::catalog_running({{"app.not-listening", +other_port}});
    const Report r = build_report(f, checks);
    ASSERT_NE(cause(r, "path.unexplained"), nullptr);
    EXPECT_EQ(cause(r, "path.unexplained")->finding.port, kHttp);
    // No probe of 443 ran: the finding is left open.
    EXPECT_EQ(cause(r, "app.not-listening")->confidence, Confidence::medium);
}

TEST(LadderRank, NotRunningContainerIsConfirmedByTheEngineState) {
    Facts f = web_facts();
    f.container->state.running = false;
    f.container->state.status = "exited";
    const auto checks = testing::catalog_running({{"container.not-running", not_running}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 1u);
    EXPECT_EQ(r.causes[0].confidence, Confidence::high);
    EXPECT_EQ(r.causes[0].confidence_reason,
              "the engine reports no running process (State.Status = exited): nothing can accept a connection");
}

TEST(LadderRank, WithoutProbesEveryCauseIsOpenAndTheReportSaysWhy) {
    Facts f = web_facts();
    f.probes = fail("probe", "not run (--no-probe)");
    const auto checks = testing::catalog_running({{"app.loopback-only", loopback_only}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 1u);
    EXPECT_EQ(r.causes[0].confidence, Confidence::medium);
    EXPECT_NE(r.causes[0].confidence_reason.find("no probe ran (probe: not run (--no-probe))"), std::string::npos)
        << r.causes[0].confidence_reason;
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].source, "probe");
    EXPECT_TRUE(r.probes.empty());
}

TEST(LadderRank, InsideRungsThatCouldNotRunAreABlindSpot) {
    Facts f = web_facts();
    const std::string why = "cannot enter network namespace /proc/4242/ns/net: Operation not permitted (needs root or CAP_SYS_ADMIN)";
    f.probes = std::vector<LadderProbe>{probe(Rung::container_loopback, "127.0.0.1", 80, ProbeStatus::error, 0, why),
                                        probe(Rung::container_address, "172.17.0.2", 80, ProbeStatus::error, 0, why),
                                        probe(Rung::host_to_container, "172.17.0.2", 80, ProbeStatus::open, 0.3),
                                        probe(Rung::host_published, "127.0.0.1", 8080, ProbeStatus::open, 0.5)};
    const Report r = build_report(f, {});
    ASSERT_EQ(r.blind_spots.size(), 2u);
    EXPECT_EQ(r.blind_spots[0].message, "container loopback rung, inside web: " + why);
    EXPECT_EQ(r.verdict, Verdict::ok);
}

// Not root: the inside rungs cannot run, the host reaches the container's address and is
// refused. A loopback-only app explains that (its address rung would have failed first), so
// nothing is "unexplained"; the static finding leads and the verdict is critical.
TEST(LadderRank, AFailureAboveRungsThatCouldNotRunIsExplainedByTheirCause) {
    Facts f = web_facts();
    const std::string why = "cannot open network namespace /proc/4242/ns/net: Permission denied";
    f.probes = std::vector<LadderProbe>{probe(Rung::container_loopback, "127.0.0.1", 80, ProbeStatus::error, 0, why),
                                        probe(Rung::container_address, "172.17.0.2", 80, ProbeStatus::error, 0, why),
                                        probe(Rung::host_to_container, "172.17.0.2", 80, ProbeStatus::refused, 0.3),
                                        probe(Rung::host_published, "127.0.0.1", 8080, ProbeStatus::reset, 0.5)};
    const auto checks = testing::catalog_running({{"app.loopback-only", loopback_only}});
    const Report r = build_report(f, checks);
    ASSERT_EQ(r.causes.size(), 1u) << r.causes.back().finding.id;
    EXPECT_EQ(r.causes[0].finding.id, "app.loopback-only");
    EXPECT_EQ(r.verdict, Verdict::critical);
    // Seen passing, the address rung rules it out: then the failure above it is unexplained.
    f.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::refused, ProbeStatus::reset);
    EXPECT_NE(cause(build_report(f, checks), "path.unexplained"), nullptr);
}

// What list-causes calls "ranking" is what the ranking really reports: a probe failed and
// no finding explains it.
TEST(LadderRank, TheCausesTheCatalogSaysTheRankingReportsAreTheOnesItReports) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::timeout, ProbeStatus::timeout);
    const Report r = build_report(f, testing::catalog_running({}));
    std::set<std::string> reported;
    for (const auto& c : r.causes) reported.insert(c.finding.id);
    std::set<std::string> said;
    for (const Check& entry : all_checks())
        if (found_by(entry) == "ranking") said.insert(std::string(entry.id()));
    EXPECT_EQ(reported, said);
    EXPECT_EQ(said, std::set<std::string>{"path.unexplained"});
}

TEST(LadderRank, WorstVerdictPutsCriticalAboveUnknown) {
    const Verdict mixed[] = {Verdict::ok, Verdict::unknown, Verdict::critical, Verdict::warning};
    EXPECT_EQ(worst_verdict(mixed), Verdict::critical);
    const Verdict unsure[] = {Verdict::ok, Verdict::unknown};
    EXPECT_EQ(worst_verdict(unsure), Verdict::unknown);
    EXPECT_EQ(worst_verdict({}), Verdict::ok);
}

// ---- rendering and JSON -------------------------------------------------------------------

TEST(LadderRender, TextShowsTheLadderAndMarksWhereItDies) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    const auto checks = testing::catalog_running({{"app.loopback-only", loopback_only}});
    const std::string text = render_text(build_report(f, checks), TextStyle{false});
    EXPECT_NE(text.find("80/tcp: dies at rung 2 (container address)"), std::string::npos) << text;
    const auto rung2 = text.find("2 container address");
    ASSERT_NE(rung2, std::string::npos) << text;
    const std::string rung2_line = text.substr(rung2, text.find('\n', rung2) - rung2);
    EXPECT_NE(rung2_line.find("172.17.0.2:80"), std::string::npos) << rung2_line;
    EXPECT_NE(rung2_line.find("refused (0.2 ms)"), std::string::npos) << rung2_line;
    EXPECT_NE(rung2_line.find("<- dies here"), std::string::npos) << rung2_line;
    const auto rung1 = text.find("1 container loopback");
    ASSERT_NE(rung1, std::string::npos);
    EXPECT_EQ(text.substr(rung1, text.find('\n', rung1) - rung1).find("dies here"), std::string::npos);
}

TEST(LadderRender, JsonProbesAreSchemaValid) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    const auto checks = testing::catalog_running({{"app.loopback-only", loopback_only}});
    const auto j = report_to_json(build_report(f, checks));
    ASSERT_EQ(j["probes"].size(), 4u);
    EXPECT_EQ(j["probes"][1]["rung"], "container-address");
    EXPECT_EQ(j["probes"][1]["port"], "80/tcp");
    EXPECT_EQ(j["probes"][1]["outcome"], "refused");
    EXPECT_EQ(j["probes"][1]["target"]["address"], "172.17.0.2");
    EXPECT_EQ(j["probes"][1]["target"]["vantage"], "inside web");
    EXPECT_EQ(j["ports"][0]["first_failing_rung"], "container-address");
    EXPECT_EQ(j["causes"][0]["support"], "confirmed");
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));
}

TEST(LadderRender, SummaryTableHasOneLinePerContainer) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    const auto checks = testing::catalog_running({{"app.loopback-only", loopback_only}});
    Report broken = build_report(f, checks);
    Facts g = web_facts();
    g.container->name = "api\x1b[2J";
    g.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::open, ProbeStatus::open);
    Report fine = build_report(g, {});
    const Report reports[] = {broken, fine};
    const std::string table = render_summary_text(reports, TextStyle{false});
    EXPECT_NE(table.find("CONTAINER"), std::string::npos) << table;
    EXPECT_NE(table.find("web                      8080->80/tcp                 CRITICAL  app.loopback-only: "),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("api\\x1b[2J"), std::string::npos) << table;
    EXPECT_NE(table.find("OK        -"), std::string::npos) << table;
    EXPECT_EQ(render_summary_text({}, TextStyle{false}), "No running container publishes a port.\n");
}

// A name longer than the column (a Swarm task's "service.1.<task id>") widens it: every
// verdict still starts at the same column.
TEST(LadderRender, ALongNameWidensItsColumnAndTheVerdictsStayAligned) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::open, ProbeStatus::open, ProbeStatus::open);
    Report short_name = build_report(f, {});
    Facts g = web_facts();
    g.container->name = "web.1.lbgu51xg4omozg0p3xls81t0v";
    g.probes = f.probes;
    Report long_name = build_report(g, {});
    const Report reports[] = {short_name, long_name};
    const std::string table = render_summary_text(reports, TextStyle{false});
    std::vector<std::size_t> verdict_columns;
    for (std::size_t start = 0, end; (end = table.find('\n', start)) != std::string::npos && end > start; start = end + 1) {
        const std::string line = table.substr(start, end - start);
        if (const auto at = line.find(line.starts_with("CONTAINER") ? "VERDICT" : "OK "); at != std::string::npos)
            verdict_columns.push_back(at);
    }
    ASSERT_EQ(verdict_columns.size(), 3u) << table;
    EXPECT_EQ(verdict_columns[0], verdict_columns[1]) << table;
    EXPECT_EQ(verdict_columns[1], verdict_columns[2]) << table;
    EXPECT_GT(verdict_columns[0], std::string("web.1.lbgu51xg4omozg0p3xls81t0v").size()) << table;
}

TEST(LadderFactsJson, ProbesRoundTripAndOldFilesHaveNone) {
    Facts f = web_facts();
    f.probes = ladder(ProbeStatus::open, ProbeStatus::refused, ProbeStatus::refused, ProbeStatus::reset);
    const auto j = facts_to_json(f);
    auto back = facts_from_json_text(j.dump());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(back->probes);
    ASSERT_EQ(back->probes->size(), 4u);
    EXPECT_EQ((*back->probes)[3].rung, Rung::host_published);
    EXPECT_EQ((*back->probes)[3].probe.outcome, ProbeStatus::reset);
    EXPECT_EQ((*back->probes)[3].probe.target.port, 8080);
    EXPECT_EQ(facts_to_json(*back), j);

    auto old = j;
    old.erase("probes");
    auto without = facts_from_json_text(old.dump());
    ASSERT_TRUE(without);
    ASSERT_FALSE(without->probes);
    EXPECT_EQ(without->probes.error().source, "probe");

    auto not_run = f;
    not_run.probes = fail("probe", "not run (--no-probe)");
    auto kept = facts_from_json_text(facts_to_json(not_run).dump());
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->probes.error().message, "not run (--no-probe)");

    auto bad = j;
    bad["probes"][0]["rung"] = "rung-five";
    auto rejected = facts_from_json_text(bad.dump());
    ASSERT_FALSE(rejected);
    EXPECT_NE(rejected.error().message.find("bad probe rung: rung-five"), std::string::npos);
}

// ---- options ------------------------------------------------------------------------------

TEST(LadderOptions, AllAndNoProbe) {
    auto all = parse_options({"--all", "--format", "json"});
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_TRUE(all->all);
    auto static_only = parse_options({"--no-probe", "web"});
    ASSERT_TRUE(static_only);
    EXPECT_TRUE(static_only->no_probe);
    EXPECT_FALSE(static_only->all);
    auto both = parse_options({"--all", "web"});
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().message, "--all diagnoses every container: give no container name");
    // A whole --all run is saved in one file and replayed from it; replaying saves nothing.
    EXPECT_TRUE(parse_options({"--all", "--facts", "x.json"}));
    EXPECT_TRUE(parse_options({"--all", "--save-facts", "x.json"}));
    auto replay_and_save = parse_options({"--all", "--facts", "x.json", "--save-facts", "y.json"});
    ASSERT_FALSE(replay_and_save);
    EXPECT_EQ(replay_and_save.error().message, "--facts replays a saved run: it saves nothing new (drop --save-facts)");
}

TEST(LadderOptions, ProbeDeadlineIsTheTimeoutCappedAtTwoSeconds) {
    EXPECT_EQ(probe_deadline(500ms), 500ms);
    EXPECT_EQ(probe_deadline(5000ms), 2000ms);
}

}  // namespace
}  // namespace dnd
