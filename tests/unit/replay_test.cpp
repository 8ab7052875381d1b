// --facts with --from/--port asks the saved host a new question: the packet paths must be
// evaluated again for it (with the set lookups the live run recorded), not replayed stale.
// Reads fixtures/checks/nf_prerouting_blocklist (saved with --from 198.51.100.23, a client
// in the blocklist 198.51.100.0/24 of table inet blocklist).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "docknetdoctor/app/replay.hpp"
#include "fixture_files.hpp"
#include "run_binary.hpp"
#include "schema_validation.hpp"

namespace dnd {
namespace {

const std::filesystem::path kBlocklistFacts =
    std::filesystem::path(DND_SOURCE_DIR) / "fixtures" / "checks" / "nf_prerouting_blocklist" / "facts.json";

Facts load(const std::filesystem::path& path) { return testing::load_facts_fixture(path.string()); }

// Writes facts to a file of this test's own, removed with it.
class FactsFile {
public:
    explicit FactsFile(const Facts& facts)
        : path_(std::filesystem::temp_directory_path() / ("dnd-replay-" + std::to_string(::getpid()) + ".json")) {
        std::ofstream(path_) << facts_to_json(facts).dump();
    }
    ~FactsFile() { std::filesystem::remove(path_); }
    FactsFile(const FactsFile&) = delete;
    FactsFile& operator=(const FactsFile&) = delete;
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

bool blocklist_decided(const PathResult& p) { return p.decided_by.find("inet blocklist") != std::string::npos; }

TEST(Replay, TheSavedFixtureAnswersItsOwnQuestion) {
    const Facts saved = load(kBlocklistFacts);
    ASSERT_TRUE(saved.paths) << saved.paths.error().message;
    ASSERT_FALSE(saved.paths->empty());
    EXPECT_EQ(saved.paths->front().packet.saddr, "198.51.100.23");
    EXPECT_EQ(saved.paths->front().verdict, PathVerdict::dropped);
    EXPECT_TRUE(blocklist_decided(saved.paths->front())) << saved.paths->front().decided_by;
}

TEST(Replay, WithoutAnOverrideTheSavedPathsStay) {
    Facts f = load(kBlocklistFacts);
    f.paths = std::vector<PathResult>{};  // what a recomputation could never give for this host
    reask_saved_facts(f, std::nullopt, std::nullopt, false);
    ASSERT_TRUE(f.paths);
    EXPECT_TRUE(f.paths->empty());
}

TEST(Replay, AnotherClientIsEvaluatedAgain) {
    Facts f = load(kBlocklistFacts);
    reask_saved_facts(f, std::nullopt, "203.0.113.5", false);
    EXPECT_EQ(f.query.from, "203.0.113.5");
    EXPECT_FALSE(f.query.from_is_local);
    ASSERT_TRUE(f.paths) << f.paths.error().message;
    ASSERT_FALSE(f.paths->empty());
    for (const PathResult& p : *f.paths) {
        EXPECT_EQ(p.packet.saddr, "203.0.113.5");
        EXPECT_EQ(p.packet.iif, "eth0");  // its route: default via 192.0.2.1 dev eth0
        EXPECT_FALSE(blocklist_decided(p)) << p.decided_by;
        EXPECT_EQ(p.verdict, PathVerdict::forwarded) << p.decided_by;
    }
}

TEST(Replay, ASavedHostAddressIsAClientOnThatHost) {
    Facts f = load(kBlocklistFacts);
    reask_saved_facts(f, PortKey{80, Proto::tcp}, "192.0.2.10", false);  // eth0 of the saved host, not of this machine
    EXPECT_TRUE(f.query.from_is_local);
    ASSERT_TRUE(f.paths) << f.paths.error().message;
    ASSERT_FALSE(f.paths->empty());
    for (const PathResult& p : *f.paths) EXPECT_EQ(p.packet.iif, "") << "locally generated: no arrival interface";
    const Report r = build_report(f, {});
    EXPECT_EQ(r.question, "can a client on this host (192.0.2.10) reach port 80/tcp of container web?");
    EXPECT_NE(render_text(r, TextStyle{false}).find("192.0.2.10 -> 192.0.2.10:8080/tcp from this host: "), std::string::npos)
        << render_text(r, TextStyle{false});
}

// The replay asks the set lookups the live run recorded, and nothing else: a key the live
// run never looked up makes the step unknown, never a guess.
TEST(Replay, OnlyRecordedSetLookupsAnswer) {
    Facts f = load(kBlocklistFacts);
    ASSERT_TRUE(f.host->nftables) << f.host->nftables.error().message;
    bool unloaded = false;
    for (nf::Table& t : f.host->nftables->tables)
        for (nf::Set& s : t.sets)
            if (t.name == "blocklist" && s.name == "blocked4") {
                s.elements.clear();
                s.elements_loaded = false;
                unloaded = true;
            }
    ASSERT_TRUE(unloaded);
    f.host->set_lookups = {SetLookupRecord{nf::Family::inet, "blocklist", "blocked4", nf::Bytes{198, 51, 100, 23}, true}};

    Facts recorded = f;
    reask_saved_facts(recorded, std::nullopt, "198.51.100.23", false);
    ASSERT_TRUE(recorded.paths);
    ASSERT_FALSE(recorded.paths->empty());
    EXPECT_EQ(recorded.paths->front().verdict, PathVerdict::dropped) << recorded.paths->front().decided_by;
    EXPECT_TRUE(blocklist_decided(recorded.paths->front())) << recorded.paths->front().decided_by;

    Facts never_asked = f;
    reask_saved_facts(never_asked, std::nullopt, "203.0.113.5", false);
    ASSERT_TRUE(never_asked.paths);
    ASSERT_FALSE(never_asked.paths->empty());
    EXPECT_EQ(never_asked.paths->front().verdict, PathVerdict::unknown) << never_asked.paths->front().decided_by;
    const std::string text = render_text(build_report(never_asked, {}), TextStyle{false});
    EXPECT_NE(text.find("203.0.113.5 -> 192.0.2.10:8080/tcp via eth0: DNAT 172.17.0.2:80, unknown: "), std::string::npos) << text;
    EXPECT_NE(text.find("could not look 203.0.113.5 up in set @blocked4"), std::string::npos) << text;
}

// A client the saved host has no route to: no crash, and the report says so.
TEST(Replay, AClientWithoutARouteIsReportedNotGuessed) {
    Facts f = load(kBlocklistFacts);
    ASSERT_TRUE(f.host->routes);
    std::erase_if(*f.host->routes, [](const Route& r) { return r.destination == "default"; });
    reask_saved_facts(f, std::nullopt, "198.51.100.99", false);
    EXPECT_FALSE(f.query.from_is_local);
    ASSERT_TRUE(f.paths) << f.paths.error().message;
    ASSERT_FALSE(f.paths->empty()) << "the unroutable client's packet is shown, as unknown at routing";
    for (const PathResult& p : *f.paths) {
        EXPECT_EQ(p.verdict, PathVerdict::unknown) << p.decided_by;
        EXPECT_EQ(p.decided_hook, "routing");
        EXPECT_EQ(p.packet.saddr, "198.51.100.99");
    }
    const Report r = build_report(f, {});
    const std::string text = render_text(r, TextStyle{false});
    EXPECT_NE(text.find("no route"), std::string::npos) << text;
    EXPECT_NE(text.find("198.51.100.99"), std::string::npos) << text;
    EXPECT_TRUE(test::validate_against_schema(report_to_json(r), test::report_schema_path()));
}

// The whole way a user takes: the binary, offline, with --from.
TEST(Replay, TheBinaryAnswersTheNewQuestionInJson) {
    const auto run = test::run_docknetdoctor({"--facts", kBlocklistFacts.string(), "--from", "203.0.113.5", "--format", "json"});
    ASSERT_FALSE(run.timed_out) << run.describe();
    const auto j = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << run.describe() << run.out;
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));
    EXPECT_EQ(j["question"], "can a client at 203.0.113.5 reach the published ports of container web?");
    ASSERT_FALSE(j["paths"].empty()) << j.dump(2);
    EXPECT_EQ(j["paths"][0]["packet"]["saddr"], "203.0.113.5");
    EXPECT_EQ(j["paths"][0]["verdict"], "forwarded") << j["paths"][0].dump(2);

    // The saved question still answers as saved.
    const auto saved = test::run_docknetdoctor({"--facts", kBlocklistFacts.string(), "--format", "json"});
    const auto js = nlohmann::json::parse(saved.out, nullptr, false);
    ASSERT_FALSE(js.is_discarded()) << saved.describe();
    ASSERT_FALSE(js["paths"].empty());
    EXPECT_EQ(js["paths"][0]["packet"]["saddr"], "198.51.100.23");
    EXPECT_EQ(js["paths"][0]["verdict"], "dropped");
}

// A Docker 28 host saved for its published port, asked offline about a client that routes
// to the container itself: Docker's raw-table rule drops that one.
TEST(Replay, TheBinaryAnswersDirectRoutingOfASavedDocker28Host) {
    const auto facts = std::filesystem::path(DND_SOURCE_DIR) / "fixtures" / "checks" / "nf_docker28_direct_routing" /
                       "facts.json";
    const auto saved = test::run_docknetdoctor({"--facts", facts.string(), "--format", "json"});
    EXPECT_EQ(saved.exit_code, 0) << saved.describe();
    const auto run = test::run_docknetdoctor({"--facts", facts.string(), "--direct", "--format", "json"});
    EXPECT_EQ(run.exit_code, 2) << run.describe();
    const auto j = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << run.describe();
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));
    EXPECT_EQ(j["question"], "can a client on another host reach container web at its own address, on its ports?");
    ASSERT_FALSE(j["causes"].empty()) << j.dump(2);
    EXPECT_EQ(j["causes"][0]["id"], "netfilter.direct-routing-blocked") << j["causes"].dump(2);
    ASSERT_FALSE(j["paths"].empty());
    EXPECT_EQ(j["paths"][0]["packet"]["daddr"], "172.17.0.2");
    EXPECT_EQ(j["paths"][0]["packet"]["dport"], 80);
}

TEST(Replay, TheBinaryWithAnUnroutableClientDoesNotCrash) {
    Facts f = load(kBlocklistFacts);
    ASSERT_TRUE(f.host->routes);
    std::erase_if(*f.host->routes, [](const Route& r) { return r.destination == "default"; });
    const FactsFile file(f);
    const auto run = test::run_docknetdoctor({"--facts", file.path(), "--from", "198.51.100.99"});
    ASSERT_FALSE(run.timed_out) << run.describe();
    EXPECT_GE(run.exit_code, 0) << run.describe();
    EXPECT_LE(run.exit_code, 3) << run.describe();
    EXPECT_NE(run.out.find("no route"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace dnd
