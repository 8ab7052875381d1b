// Container to container (--to): every peer cause staged for real in the sandbox engine,
// and a healthy pair. Each test asserts the top cause, the exit code, and what the probe
// from the source's netns did (the report's probes[] entry on rung source-to-target).
#include <algorithm>
#include <filesystem>

#include "fixture_files.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class PeerTest : public SandboxTest {
protected:
    // `docknetdoctor --format json EXTRA... SOURCE --to TARGET`, and the peer probe as the
    // report lists it ("open", "refused", "timeout" ...; "not run" when probes[] has none).
    struct PeerRun {
        Diagnosis diagnosis;
        std::string probe_outcome;
        std::string probe_address;
        std::string address_from;
    };

    PeerRun diagnose_peer(const std::string& source, const std::string& to,
                          const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> args{"--format", "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {source, "--to", to});
        PeerRun run{sandbox().diagnose(args), "not run", "", ""};
        const auto probes = probes_on(run.diagnosis, "source-to-target");
        EXPECT_LE(probes.size(), 1u) << run.diagnosis.describe();
        if (!probes.empty()) {
            run.probe_outcome = probes[0].value("outcome", std::string());
            run.probe_address = probes[0]["target"].value("address", std::string());
            run.address_from = probes[0].value("address_from", std::string());
        }
        return run;
    }

    static bool lists_cause(const PeerRun& run, std::string_view id) {
        const auto ids = run.diagnosis.cause_ids();
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    }

    // An httpd on 5432 standing in for a database; waits until it listens.
    ScopedContainer start_server(const std::string& name, const std::vector<std::string>& options) const {
        std::vector<std::string> args = options;
        args.insert(args.end(), {image(), "httpd", "-f", "-p", "5432"});
        auto server = sandbox().run_container(name, args);
        EXPECT_TRUE(server.run_result().ok()) << server.run_result().describe();
        EXPECT_TRUE(wait_for_container_listener(name, 5432));
        return server;
    }

    ScopedContainer start_client(const std::string& name, const std::vector<std::string>& options) const {
        std::vector<std::string> args = options;
        args.insert(args.end(), {image(), "sleep", "600"});
        auto client = sandbox().run_container(name, args);
        EXPECT_TRUE(client.run_result().ok()) << client.run_result().describe();
        return client;
    }
};

TEST_F(PeerTest, HealthyPairOnAUserNetworkIsOk) {
    const auto net = sandbox().create_network("it-peer-app", {});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto db = start_server("it-peer-db", {"--network", net.name()});
    // The source publishes a redis port nothing listens on: a question about the source's own
    // ports (app.not-listening, exposure.*), not about reaching the target, so not reported.
    const auto web = start_client("it-peer-web", {"--network", net.name(), "-p", "6379:6379"});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    ASSERT_TRUE(run.diagnosis.json) << run.diagnosis.describe();
    EXPECT_TRUE(validate_against_schema(*run.diagnosis.json, report_schema_path()));
    EXPECT_EQ(run.diagnosis.process.exit_code, 0) << run.diagnosis.describe();
    EXPECT_EQ(run.diagnosis.json->value("verdict", std::string()), "ok");
    EXPECT_EQ(run.diagnosis.json->value("question", std::string()), "can container it-peer-web reach it-peer-db:5432?");
    EXPECT_TRUE(run.diagnosis.cause_ids().empty()) << run.diagnosis.describe();
    EXPECT_EQ(run.probe_outcome, "open");
    EXPECT_EQ(run.probe_address, sandbox().inspect(db.name(), "{{(index .NetworkSettings.Networks \"it-peer-app\").IPAddress}}"));
    EXPECT_EQ(run.address_from, "dns");
    EXPECT_TRUE(run.diagnosis.json->at("ports").empty()) << run.diagnosis.describe();
    // The text report shows the same probe.
    const auto text = sandbox().diagnose({web.name(), "--to", "it-peer-db:5432"});
    EXPECT_NE(text.process.out.find("source to target"), std::string::npos) << text.describe();
}

// --no-probe: no connection from the source, but the DNS query (evidence, not a probe) runs.
TEST_F(PeerTest, NoProbeSkipsTheConnectionAndKeepsTheDnsQuery) {
    const auto net = sandbox().create_network("it-peer-app", {});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto db = start_server("it-peer-db", {"--network", net.name()});
    const auto web = start_client("it-peer-web", {"--network", net.name()});
    const std::string facts_path = sandbox().dir() + "/peer-facts.json";
    std::filesystem::remove(facts_path);

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432", {"--no-probe", "--save-facts", facts_path});

    ASSERT_TRUE(run.diagnosis.json) << run.diagnosis.describe();
    EXPECT_EQ(run.probe_outcome, "not run");
    EXPECT_TRUE(run.diagnosis.json->at("probes").empty()) << run.diagnosis.describe();
    bool said_why = false;
    for (const auto& b : run.diagnosis.json->at("blind_spots"))
        said_why |= b.value("source", std::string()) == "probe" && b.value("message", std::string()) == "not run (--no-probe)";
    EXPECT_TRUE(said_why) << run.diagnosis.describe();
    const auto facts = nlohmann::json::parse(testing::read_text(facts_path), nullptr, false);
    ASSERT_FALSE(facts.is_discarded()) << facts_path;
    const auto& peer = facts.at("peer");
    EXPECT_EQ(peer["probe"]["unavailable"].value("message", std::string()), "not run (--no-probe)") << peer.dump(2);
    EXPECT_EQ(peer["dns"].value("addresses", nlohmann::json::array()),
              nlohmann::json::array({sandbox().inspect(db.name(), "{{(index .NetworkSettings.Networks \"it-peer-app\").IPAddress}}")}))
        << peer.dump(2);
}

TEST_F(PeerTest, UnknownNameIsNotFound) {
    const auto net = sandbox().create_network("it-peer-app", {});
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-nosuch:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.not-found", 2));
    EXPECT_EQ(run.probe_outcome, "not run");
}

TEST_F(PeerTest, ContainersOnDifferentNetworksCannotConnect) {
    const auto a = sandbox().create_network("it-peer-a", {});
    const auto b = sandbox().create_network("it-peer-b", {});
    const auto db = start_server("it-peer-db", {"--network", b.name()});
    const auto web = start_client("it-peer-web", {"--network", a.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.different-networks", 2));
    EXPECT_EQ(run.probe_outcome, "timeout");  // Docker isolates bridge networks from each other
    EXPECT_FALSE(lists_cause(run, "path.unexplained")) << run.diagnosis.describe();
}

TEST_F(PeerTest, DefaultBridgeHasNoNameResolution) {
    const auto db = start_server("it-peer-db", {});
    const auto web = start_client("it-peer-web", {});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.default-bridge-no-dns", 2));
    EXPECT_EQ(run.probe_outcome, "open");  // the address works; only the name does not
    EXPECT_EQ(run.address_from, "target container address (the name did not resolve)");
}

// A compose-style service label without the matching network alias: the engine knows the
// container by that service name, the embedded DNS does not.
TEST_F(PeerTest, NameUnknownToTheEmbeddedDnsIsADnsFailure) {
    const auto net = sandbox().create_network("it-peer-app", {});
    const auto db = start_server("it-peer-db", {"--network", net.name(), "--label", "com.docker.compose.service=pgsql",
                                                "--label", "com.docker.compose.project=shop"});
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "pgsql:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.dns-failure", 2));
    EXPECT_EQ(run.probe_outcome, "open");  // to the target's address: the path works
}

TEST_F(PeerTest, IccDisabledDropsTrafficBetweenContainers) {
    const auto net = sandbox().create_network("it-peer-noicc", {"-o", "com.docker.network.bridge.enable_icc=false"});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto db = start_server("it-peer-db", {"--network", net.name()});
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.icc-disabled", 2));
    EXPECT_EQ(run.probe_outcome, "timeout");
    EXPECT_FALSE(lists_cause(run, "path.unexplained")) << run.diagnosis.describe();
}

// A firewall inside the target drops the port: the name, the networks and the app are all
// fine, the probe times out, and no check reads the target's own rules: path.unexplained.
TEST_F(PeerTest, DropInsideTheTargetIsPathUnexplained) {
    const auto net = sandbox().create_network("it-peer-app", {});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto db = start_server("it-peer-db", {"--network", net.name()});
    const auto web = start_client("it-peer-web", {"--network", net.name()});
    const std::string pid = sandbox().inspect(db.name(), "{{.State.Pid}}");
    ASSERT_FALSE(pid.empty());
    // The table lives in the target's netns and goes away with the container.
    const auto added = sandbox().in_host({"nsenter", "--net=/proc/" + pid + "/ns/net", "nft",
                                          "add table inet dnd_it_peer; add chain inet dnd_it_peer input { type filter "
                                          "hook input priority 0; }; add rule inet dnd_it_peer input tcp dport 5432 drop"});
    ASSERT_TRUE(added.ok()) << added.describe();

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432", {"--timeout", "1s"});

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "path.unexplained", 1));
    EXPECT_EQ(run.probe_outcome, "timeout");
    ASSERT_TRUE(run.diagnosis.json);
    EXPECT_EQ(run.diagnosis.json->at("causes")[0].value("port", std::string()), "5432/tcp") << run.diagnosis.describe();
}

TEST_F(PeerTest, PublishedHostPortIsNotTheContainerPort) {
    const auto net = sandbox().create_network("it-peer-app", {});
    const auto db = start_server("it-peer-db", {"--network", net.name(), "-p", "15432:5432"});
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-db:15432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.using-host-port", 2));
    EXPECT_EQ(run.probe_outcome, "refused");
}

TEST_F(PeerTest, LocalhostIsTheSourceItself) {
    const auto net = sandbox().create_network("it-peer-app", {});
    const auto db = start_server("it-peer-db", {"--network", net.name()});
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "localhost:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.localhost", 2));
    EXPECT_EQ(run.probe_outcome, "refused");
    EXPECT_EQ(run.probe_address, "127.0.0.1");
}

TEST_F(PeerTest, HostDockerInternalNeedsAddHost) {
    const auto web = start_client("it-peer-web", {});

    const auto run = diagnose_peer(web.name(), "host.docker.internal:8080");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.host-gateway-missing", 2));
    EXPECT_EQ(run.probe_outcome, "not run");
}

}  // namespace
}  // namespace dnd::test
