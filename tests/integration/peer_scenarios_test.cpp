// Container to container (--to): every peer cause staged for real in the sandbox engine,
// and a healthy pair. Each test asserts the top cause, the exit code, and what the probe
// from the source's netns did (read back from --save-facts: the peer probe).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class PeerTest : public SandboxTest {
protected:
    // `docknetdoctor --format json --save-facts FILE SOURCE --to TARGET`, and the peer
    // probe's outcome ("open", "refused", "timeout" ...; "not run: ..." when it did not run).
    struct PeerRun {
        Diagnosis diagnosis;
        std::string probe_outcome;
        std::string probe_address;
    };

    PeerRun diagnose_peer(const std::string& source, const std::string& to) const {
        const std::string facts_path = sandbox().dir() + "/peer-facts.json";
        std::filesystem::remove(facts_path);
        PeerRun run{sandbox().diagnose({"--format", "json", "--save-facts", facts_path, source, "--to", to}), "", ""};
        std::ifstream in(facts_path);
        std::stringstream text;
        text << in.rdbuf();
        const auto facts = nlohmann::json::parse(text.str(), nullptr, false);
        if (facts.is_discarded() || !facts.contains("peer")) {
            run.probe_outcome = "no facts saved";
            return run;
        }
        const auto& probe = facts["peer"]["probe"];
        if (probe.contains("unavailable")) {
            run.probe_outcome = "not run: " + probe["unavailable"].value("message", std::string());
        } else {
            run.probe_outcome = probe.value("outcome", std::string());
            run.probe_address = probe["target"].value("address", std::string());
        }
        return run;
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
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    ASSERT_TRUE(run.diagnosis.json) << run.diagnosis.describe();
    EXPECT_EQ(run.diagnosis.process.exit_code, 0) << run.diagnosis.describe();
    EXPECT_EQ(run.diagnosis.json->value("verdict", std::string()), "ok");
    EXPECT_EQ(run.diagnosis.json->value("question", std::string()), "can container it-peer-web reach it-peer-db:5432?");
    EXPECT_TRUE(run.diagnosis.cause_ids().empty()) << run.diagnosis.describe();
    EXPECT_EQ(run.probe_outcome, "open");
    EXPECT_EQ(run.probe_address, sandbox().inspect(db.name(), "{{(index .NetworkSettings.Networks \"it-peer-app\").IPAddress}}"));
}

TEST_F(PeerTest, UnknownNameIsNotFound) {
    const auto net = sandbox().create_network("it-peer-app", {});
    const auto web = start_client("it-peer-web", {"--network", net.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-nosuch:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.not-found", 2));
    EXPECT_TRUE(run.probe_outcome.starts_with("not run")) << run.probe_outcome;
}

TEST_F(PeerTest, ContainersOnDifferentNetworksCannotConnect) {
    const auto a = sandbox().create_network("it-peer-a", {});
    const auto b = sandbox().create_network("it-peer-b", {});
    const auto db = start_server("it-peer-db", {"--network", b.name()});
    const auto web = start_client("it-peer-web", {"--network", a.name()});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.different-networks", 2));
    EXPECT_EQ(run.probe_outcome, "timeout");  // Docker isolates bridge networks from each other
}

TEST_F(PeerTest, DefaultBridgeHasNoNameResolution) {
    const auto db = start_server("it-peer-db", {});
    const auto web = start_client("it-peer-web", {});

    const auto run = diagnose_peer(web.name(), "it-peer-db:5432");

    EXPECT_TRUE(reports_top_cause(run.diagnosis, "peer.default-bridge-no-dns", 2));
    EXPECT_EQ(run.probe_outcome, "open");  // the address works; only the name does not
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
    EXPECT_TRUE(run.probe_outcome.starts_with("not run")) << run.probe_outcome;
}

}  // namespace
}  // namespace dnd::test
