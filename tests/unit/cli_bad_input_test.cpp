// What a user sees when the input is bad, through the real binary: one line on stderr,
// exit 3 (unknown), nothing on stdout, never a crash — and within --timeout when the
// engine hangs.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "docker_fake_engine.hpp"
#include "run_binary.hpp"

namespace dnd {
namespace {

using test::ProcessResult;
using test::run_docknetdoctor;

void expect_one_line_error(const ProcessResult& r, const std::string& contains) {
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_TRUE(r.out.empty()) << r.out;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.rfind("docknetdoctor: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
    EXPECT_NE(r.err.find(contains), std::string::npos) << r.err;
}

test::RunOptions with_engine(const std::string& endpoint) {
    test::RunOptions o;
    o.env["DOCKER_HOST"] = endpoint;
    o.timeout = std::chrono::seconds(20);
    return o;
}

TEST(CliBadInput, InvalidPort) {
    expect_one_line_error(run_docknetdoctor({"--port", "http", "web"}), "invalid --port 'http'");
}

TEST(CliBadInput, MissingSocket) {
    testing::TempDir dir;
    const std::string endpoint = "unix://" + (dir.path() / "docker.sock").string();
    expect_one_line_error(run_docknetdoctor({"web"}, with_engine(endpoint)),
                          "cannot connect to the Docker engine at " + endpoint + ": No such file or directory");
}

TEST(CliBadInput, EngineThatNeverAnswersEndsWithinTheTimeout) {
    testing::TempDir dir;
    testing::SilentSocket silent(dir.path() / "docker.sock");
    const auto started = std::chrono::steady_clock::now();
    auto r = run_docknetdoctor({"--timeout", "300ms", "web"}, with_engine("unix://" + (dir.path() / "docker.sock").string()));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    expect_one_line_error(r, "did not answer within 300 ms");
    EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(CliBadInput, GarbageBody) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock",
                               testing::recorded_engine({{"/v1.41/containers/web/json", testing::http_response(200, "<html>nope")},
                                                         {"/v1.41/containers/json?all=1", testing::http_response(200, "{[")}}));
    auto r = run_docknetdoctor({"web"}, with_engine(engine.endpoint()));
    expect_one_line_error(r, "malformed response from the Docker engine");
}

TEST(CliBadInput, UnknownContainerSuggestsTheClosestName) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", testing::recorded_engine());
    expect_one_line_error(run_docknetdoctor({"webb"}, with_engine(engine.endpoint())), "no such container: webb (did you mean: web");
}

TEST(CliBadInput, AmbiguousIdPrefixListsTheCandidates) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", testing::recorded_engine());
    expect_one_line_error(run_docknetdoctor({"b"}, with_engine(engine.endpoint())),
                          "container prefix 'b' is ambiguous: b901dc00f159 (dnd-rec-unhealthy), bc5142b1e976 (dnd-rec-exited)");
}

TEST(CliBadInput, FactsFileMissingUnreadableOrMalformed) {
    testing::TempDir dir;
    expect_one_line_error(run_docknetdoctor({"--facts", (dir.path() / "absent.json").string()}),
                          "cannot read facts file");
    // A directory cannot be read as a file, even by root.
    expect_one_line_error(run_docknetdoctor({"--facts", dir.path().string()}), dir.path().string());
    const auto bad = dir.path() / "bad.json";
    std::ofstream(bad) << "{\"schema_version\": 1, \"query\": ";
    expect_one_line_error(run_docknetdoctor({"--facts", bad.string()}), "malformed facts");
}

TEST(CliBadInput, FactsFileReplaysOfflineWithItsVerdict) {
    auto r = run_docknetdoctor({"--facts", std::string(DND_SOURCE_DIR) + "/fixtures/checks/app_loopback_only/facts.json",
                                "--format", "json", "--no-color"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_NE(r.out.find("\"app.loopback-only\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

// "docknetdoctor --facts web.json db": the file is about dev, so asking about db is refused,
// never answered with dev's diagnosis; the saved name itself (or its id's prefix) is fine.
TEST(CliBadInput, AFactsFileAnswersOnlyAboutItsOwnContainer) {
    const std::string facts = std::string(DND_SOURCE_DIR) + "/fixtures/checks/app_loopback_only/facts.json";
    expect_one_line_error(run_docknetdoctor({"--facts", facts, "db"}),
                                          "holds the facts of container dev, not of db");
    EXPECT_EQ(run_docknetdoctor({"--facts", facts, "dev"}).exit_code, 2);
    EXPECT_EQ(run_docknetdoctor({"--facts", facts, "a21c4ad6"}).exit_code, 2);
}

}  // namespace
}  // namespace dnd
