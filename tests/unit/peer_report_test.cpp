// --to in the report: the probe from the source is listed with the ladder's (JSON probes[],
// text), a failing one that no finding explains is path.unexplained, and the source's own
// published ports are not part of the question.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "fixture_files.hpp"
#include "schema_validation.hpp"
#include "catalog_stub.hpp"

namespace dnd {
namespace {

// pn-web asks pn-db:5432 on a shared user network; the probe from pn-web was open.
Facts healthy_pair() { return testing::load_check_case("peer_healthy_pair"); }

void set_probe(Facts& f, ProbeStatus outcome, double ms, std::string detail) {
    f.peer->probe->outcome = outcome;
    f.peer->probe->latency_ms = ms;
    f.peer->probe->detail = std::move(detail);
}

Finding finding(std::string id) {
    Finding f = new_finding(find_check(id)->cause);
    f.title = id + " title";
    f.port = PortKey{5432, Proto::tcp};
    f.evidence = {"static evidence"};
    return f;
}

CheckResult icc_disabled(const Facts&) { return {{finding("peer.icc-disabled")}, {}}; }
CheckResult target_not_listening(const Facts&) { return {{finding("app.not-listening")}, {}}; }
CheckResult dns_failure(const Facts&) { return {{finding("peer.dns-failure")}, {}}; }
CheckResult ports_blocked(const Facts&) { return {{finding("swarm.node-ports-blocked")}, {}}; }
CheckResult ports_blocked_naming_the_failure(const Facts&) {
    Finding f = finding("swarm.node-ports-blocked");
    f.explains = {"path.unexplained"};
    return {{f}, {}};
}

std::vector<std::string> ids(const Report& r) {
    std::vector<std::string> out;
    for (const auto& c : r.causes) out.push_back(c.finding.id);
    return out;
}

TEST(PeerReport, TheProbeFromTheSourceIsInProbesAndSchemaValid) {
    const Report r = build_report(healthy_pair(), {});
    ASSERT_TRUE(r.peer_probe);
    const auto j = report_to_json(r);
    ASSERT_EQ(j["probes"].size(), 1u) << j["probes"].dump(2);
    const auto& p = j["probes"][0];
    EXPECT_EQ(p["rung"], "source-to-target");
    EXPECT_EQ(p["port"], "5432/tcp");
    EXPECT_EQ(p["outcome"], "open");
    EXPECT_EQ(p["address_from"], "dns");
    EXPECT_EQ(p["target"]["address"], "172.18.0.2");
    EXPECT_EQ(p["target"]["vantage"], "inside pn-web");
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));
    // The source's own ports are not the question: no port rows, no ladder.
    EXPECT_TRUE(j["ports"].empty()) << j["ports"].dump(2);
}

TEST(PeerReport, TextShowsTheProbeAndMarksAFailure) {
    Facts f = healthy_pair();
    set_probe(f, ProbeStatus::timeout, 2000, "no answer within 2000 ms");
    const std::string text = render_text(build_report(f, {}), TextStyle{false});
    EXPECT_NE(text.find("Probe from the source container\n  pn-db:5432: address from dns\n"), std::string::npos) << text;
    const auto line = text.find("    source to target");
    ASSERT_NE(line, std::string::npos) << text;
    const std::string probe_line = text.substr(line, text.find('\n', line) - line);
    EXPECT_NE(probe_line.find("inside pn-web"), std::string::npos) << probe_line;
    EXPECT_NE(probe_line.find("172.18.0.2:5432"), std::string::npos) << probe_line;
    EXPECT_NE(probe_line.find("timeout (2000 ms)"), std::string::npos) << probe_line;
    EXPECT_NE(probe_line.find("<- fails here"), std::string::npos) << probe_line;

    const std::string open = render_text(build_report(healthy_pair(), {}), TextStyle{false});
    EXPECT_EQ(open.find("fails here"), std::string::npos) << open;
    EXPECT_NE(open.find("open (0.5 ms)"), std::string::npos) << open;
}

TEST(PeerReport, AFailingProbeNoFindingExplainsIsPathUnexplained) {
    Facts f = healthy_pair();
    set_probe(f, ProbeStatus::timeout, 2000, "no answer within 2000 ms");
    const Report r = build_report(f, {});
    ASSERT_EQ(ids(r), std::vector<std::string>{"path.unexplained"});
    const RankedCause& c = r.causes[0];
    EXPECT_EQ(c.finding.port, (PortKey{5432, Proto::tcp}));
    EXPECT_EQ(c.finding.title, "the connection from pn-web to pn-db:5432 fails (timeout) and no check explains why");
    ASSERT_EQ(c.finding.evidence.size(), 1u);
    EXPECT_EQ(c.finding.evidence[0],
              "probe from inside pn-web to 172.18.0.2:5432/tcp: timeout after 2000 ms (address from dns)");
    EXPECT_NE(c.finding.fix.at(0).find("DOCKER-USER"), std::string::npos) << c.finding.fix.at(0);
    EXPECT_EQ(c.confidence, Confidence::high);
    EXPECT_EQ(r.verdict, Verdict::warning);

    set_probe(f, ProbeStatus::refused, 0.3, "connection refused");
    const Report refused = build_report(f, {});
    ASSERT_EQ(ids(refused), std::vector<std::string>{"path.unexplained"});
    EXPECT_NE(refused.causes[0].finding.fix.at(0).find("nothing accepts port 5432"), std::string::npos)
        << refused.causes[0].finding.fix.at(0);
}

TEST(PeerReport, APeerOrTargetFindingExplainsTheFailingProbe) {
    Facts f = healthy_pair();
    set_probe(f, ProbeStatus::timeout, 2000, "no answer within 2000 ms");
    const auto icc = testing::catalog_running({{"peer.icc-disabled", icc_disabled}});
    EXPECT_EQ(ids(build_report(f, icc)), std::vector<std::string>{"peer.icc-disabled"});

    set_probe(f, ProbeStatus::refused, 0.3, "connection refused");
    const auto target = testing::catalog_running({{"app.not-listening", target_not_listening}});
    EXPECT_EQ(ids(build_report(f, target)), std::vector<std::string>{"app.not-listening"});

    // A name that does not resolve does not explain why the target's address fails too.
    const auto dns = testing::catalog_running({{"peer.dns-failure", dns_failure}});
    const auto both = ids(build_report(f, dns));
    EXPECT_NE(std::find(both.begin(), both.end(), "path.unexplained"), both.end());
}

// A finding of a kind that does not explain --to's probe (swarm.node-ports-blocked) may name
// the failure itself: the target is across the overlay whose ports it found blocked.
TEST(PeerReport, AFindingThatNamesTheFailureExplainsTheFailingProbe) {
    Facts f = healthy_pair();
    set_probe(f, ProbeStatus::timeout, 2000, "no answer within 2000 ms");
    const auto naming = testing::catalog_running({{"swarm.node-ports-blocked", ports_blocked_naming_the_failure}});
    EXPECT_EQ(ids(build_report(f, naming)), std::vector<std::string>{"swarm.node-ports-blocked"});
    const auto silent = testing::catalog_running({{"swarm.node-ports-blocked", ports_blocked}});
    const auto both = ids(build_report(f, silent));
    EXPECT_NE(std::find(both.begin(), both.end(), "path.unexplained"), both.end());
}

TEST(PeerReport, AnOpenProbeOrOneNotRunIsNoFinding) {
    EXPECT_TRUE(build_report(healthy_pair(), {}).causes.empty());
    Facts f = healthy_pair();
    f.peer->probe = fail("probe", "not run: no address for pn-db inside the source");
    const Report r = build_report(f, {});
    EXPECT_TRUE(r.causes.empty());
    EXPECT_FALSE(r.peer_probe);
    EXPECT_TRUE(report_to_json(r)["probes"].empty());
    // Not attempted for a reason the findings give: not a blind spot.
    EXPECT_TRUE(r.blind_spots.empty());
}

TEST(PeerReport, AProbeThatCouldNotRunIsABlindSpot) {
    Facts f = healthy_pair();
    f.peer->probe = fail("probe", "cannot enter network namespace /proc/8125/ns/net: Operation not permitted");
    Report r = build_report(f, {});
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].source, "probe");
    EXPECT_EQ(r.blind_spots[0].message, "cannot enter network namespace /proc/8125/ns/net: Operation not permitted");

    // --no-probe: one blind spot for the ladder and the peer probe alike.
    f.probes = fail("probe", "not run (--no-probe)");
    f.peer->probe = fail("probe", "not run (--no-probe)");
    r = build_report(f, {});
    ASSERT_EQ(r.blind_spots.size(), 1u);
    EXPECT_EQ(r.blind_spots[0].message, "not run (--no-probe)");
}

// The source publishes a redis port on every address with nothing listening, and asks for
// -p on a host-mode sibling: all of it would be findings about the source's own ports.
Facts with_source_ports(Facts f) {
    Container& c = *f.container;
    const PortKey redis{6379, Proto::tcp};
    c.port_bindings[redis] = {HostBinding{"", 6379}};
    c.ports[redis] = {HostBinding{"0.0.0.0", 6379}};
    c.exposed_ports.push_back(PortKey{8080, Proto::tcp});
    return f;
}

std::vector<std::string> port_finding_ids(const Facts& f) {
    std::vector<std::string> out;
    for (const Check& check : all_checks()) {
        if (!check.run) continue;
        const auto id = std::string(check.id());
        const bool about_ports = id.starts_with("port.") || id.starts_with("app.") || id.starts_with("exposure.") ||
                                 id == "network.host-mode-ports-ignored";
        if (!about_ports) continue;
        for (const auto& finding : check.run(f).findings) out.push_back(finding.id);
    }
    return out;
}

TEST(PeerReport, TheSourcesOwnPortsAreNotInQuestion) {
    const Facts peer = with_source_ports(healthy_pair());
    EXPECT_TRUE(port_finding_ids(peer).empty()) << ::testing::PrintToString(port_finding_ids(peer));

    // The same container asked about its own ports: those findings are real.
    Facts own = peer;
    own.query.to.reset();
    own.peer.reset();
    const auto found = port_finding_ids(own);
    EXPECT_NE(std::find(found.begin(), found.end(), "app.not-listening"), found.end()) << ::testing::PrintToString(found);
    EXPECT_NE(std::find(found.begin(), found.end(), "exposure.public-sensitive-port"), found.end())
        << ::testing::PrintToString(found);

    // Host mode with -p: ignored bindings of the source are not reported under --to either.
    Facts host_mode = peer;
    host_mode.container->network_mode = "host";
    EXPECT_TRUE(port_finding_ids(host_mode).empty()) << ::testing::PrintToString(port_finding_ids(host_mode));
    host_mode.query.to.reset();
    host_mode.peer.reset();
    const auto host_found = port_finding_ids(host_mode);
    EXPECT_NE(std::find(host_found.begin(), host_found.end(), "network.host-mode-ports-ignored"), host_found.end())
        << ::testing::PrintToString(host_found);
}

TEST(PeerReport, TheTargetsOwnPortIsStillJudged) {
    Facts f = with_source_ports(healthy_pair());
    f.peer->target_listeners = std::vector<Listener>{};  // nothing listens on 5432 in pn-db
    const auto found = port_finding_ids(f);
    EXPECT_EQ(found, std::vector<std::string>{"app.not-listening"});
}

}  // namespace
}  // namespace dnd
