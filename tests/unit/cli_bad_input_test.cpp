// What a user sees when the input is bad, through the real binary: one line on stderr,
// exit 3 (unknown), nothing on stdout, never a crash — and within --timeout when the
// engine hangs.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <sys/socket.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

// Hostile input is bounded before it costs memory, time or stack: facts files and engine
// answers alike end in one line and exit 3.
namespace dnd {
namespace {

using namespace std::chrono_literals;

constexpr long kMiB = 1024;  // in KiB, as rusage counts

// The binary's footprint on an engine that answers at once with an error: what the bounded
// runs below are compared with.
long baseline_peak_rss_kib() {
    static const long peak = [] {
        testing::TempDir dir;
        testing::FakeEngine engine(dir.path() / "docker.sock", [](const std::string&) -> testing::FakeReply {
            return testing::http_response(500, R"({"message": "no"})");
        });
        return run_docknetdoctor({"web"}, with_engine(engine.endpoint())).peak_rss_kib;
    }();
    return peak;
}

TEST(CliHostileInput, FactsFileOverTheSizeBoundIsRefusedWithoutReadingItAll) {
    testing::TempDir dir;
    const auto big = dir.path() / "big.json";
    {
        std::ofstream out(big, std::ios::binary);
        const std::string spaces(1 << 20, ' ');
        for (int i = 0; i < 100; ++i) out << spaces;  // 100 MiB of JSON whitespace
    }
    auto r = run_docknetdoctor({"--facts", big.string()});
    expect_one_line_error(r, "refused: larger than 64 MiB");
    EXPECT_LT(r.peak_rss_kib, baseline_peak_rss_kib() + 80 * kMiB) << "the file was read past the bound";
    auto zero = run_docknetdoctor({"--facts", "/dev/zero"});
    expect_one_line_error(zero, "refused: larger than 64 MiB");
}

TEST(CliHostileInput, DeeplyNestedFactsAreAnErrorNotAStackOverflow) {
    testing::TempDir dir;
    const auto deep = dir.path() / "deep.json";
    std::ofstream(deep) << "{\"query\": " << std::string(200000, '[') << std::string(200000, ']') << "}";
    expect_one_line_error(run_docknetdoctor({"--facts", deep.string()}), "refused: nested deeper than 64 levels");
}

TEST(CliHostileInput, RulesetThatTheKernelCouldNotHoldIsRejectedNamingWhere) {
    auto facts = nlohmann::json::parse(testing::read_fixture("checks/app_loopback_only/facts.json"));
    facts["host"]["nftables"] = nlohmann::json::parse(R"({"generation": 1, "tables": [{"family": "ip", "name": "filter",
        "flags": 0, "handle": 1, "source": "nftables", "sets": [], "chains": [{"name": "INPUT", "handle": 1, "rules": [
          {"handle": 2, "position": 0, "comment": "", "exprs": [
            {"type": "payload", "base": "network", "offset": 4294967295, "len": 4294967295, "dreg": 1}]}]}]}]})");
    testing::TempDir dir;
    const auto path = dir.path() / "facts.json";
    std::ofstream(path) << facts.dump();
    expect_one_line_error(run_docknetdoctor({"--facts", path.string()}),
                          "host.nftables.tables[0].chains[0].rules[0].exprs[0]: payload length 4294967295 is not 1 to 64");
}

TEST(CliHostileInput, EngineThatDripsItsHeadersEndsAtTheTimeout) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", [](const std::string&) {
        testing::FakeReply reply(testing::http_response(200, "OK"), 200ms);
        reply.drip_headers = true;
        return reply;
    });
    const auto started = std::chrono::steady_clock::now();
    auto r = run_docknetdoctor({"--timeout", "1s", "web"}, with_engine(engine.endpoint()));
    expect_one_line_error(r, "did not answer within 1000 ms");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

// Header lines as fast as the socket takes them, never the blank line that ends them.
bool endless_headers(int fd) {
    static const std::string line = "X-Padding: " + std::string(4000, 'a') + "\r\n";
    return ::send(fd, line.data(), line.size(), MSG_NOSIGNAL) > 0;
}

TEST(CliHostileInput, EndlessHeadersAreCutOffAtTheHeadBound) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", [](const std::string&) {
        testing::FakeReply reply(std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"));
        reply.then = endless_headers;
        return reply;
    });
    const auto started = std::chrono::steady_clock::now();
    auto r = run_docknetdoctor({"--timeout", "5s", "web"}, with_engine(engine.endpoint()));
    // Refused at the bound, long before the deadline.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    expect_one_line_error(r, "answered GET /_ping with headers of more than 64 KiB (endless headers?): refused");
    EXPECT_LT(r.peak_rss_kib, baseline_peak_rss_kib() + 8 * kMiB) << r.err;
}

bool endless_body(int fd) {
    static const std::string chunk(1 << 20, ' ');
    return ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) > 0;
}

TEST(CliHostileInput, HugeBodyIsRefusedAtItsBound) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", [](const std::string& target) -> testing::FakeReply {
        if (target == "/_ping") return testing::http_response(200, "OK");
        testing::FakeReply reply(std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                             "Content-Length: 524288000\r\n\r\n["));
        reply.then = endless_body;
        return reply;
    });
    auto r = run_docknetdoctor({"--timeout", "10s", "web"}, with_engine(engine.endpoint()));
    expect_one_line_error(r, "with more than 16 MiB: refused");
    EXPECT_LT(r.peak_rss_kib, baseline_peak_rss_kib() + 64 * kMiB) << r.err;
}

TEST(CliHostileInput, DeeplyNestedEngineBodyIsRefused) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock",
                               testing::recorded_engine({{"/v1.41/containers/web/json",
                                                          testing::http_response(200, std::string(100000, '['))},
                                                         {"/v1.41/containers/json?all=1",
                                                          testing::http_response(200, std::string(100000, '['))}}));
    // The inspect by name, then (an id prefix the engine here does not resolve) the list.
    for (const char* ref : {"web", "a21c4ad64faf"})
        expect_one_line_error(run_docknetdoctor({ref}, with_engine(engine.endpoint())),
                              "refused: nested deeper than 64 levels");
}

TEST(CliHostileInput, ContentLengthShorterThanTheBodyIsMalformed) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", [](const std::string& target) -> testing::FakeReply {
        if (target == "/_ping") return testing::http_response(200, "OK");
        return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n"
                           R"({"Version": "20.10.24"})");
    });
    expect_one_line_error(run_docknetdoctor({"web"}, with_engine(engine.endpoint())),
                          "malformed response from the Docker engine to GET /v1.41/version");
}

TEST(CliHostileInput, ChunkedGarbageEndsInOneLine) {
    testing::TempDir dir;
    testing::FakeEngine engine(dir.path() / "docker.sock", [](const std::string& target) -> testing::FakeReply {
        if (target == "/_ping") return testing::http_response(200, "OK");
        return std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "ZZZZ\r\n{}\r\nffffffffffffffffffff\r\n");
    });
    expect_one_line_error(run_docknetdoctor({"--timeout", "2s", "web"}, with_engine(engine.endpoint())),
                          "GET /v1.41/version");
}

}  // namespace
}  // namespace dnd

// Strings from a hostile engine reach the terminal only as visible escapes.
namespace dnd {
namespace {

// The engine speaks JSON, which is UTF-8: C1 controls arrive as characters (U+009B CSI).
constexpr const char* kHostile = "\x1b]0;pwned\x07\x1b[2J\n\xc2\x9b" "31m\x7f\r";

// Well-formed UTF-8 with no C0 control but the newline, no DEL and no C1 control
// (U+0080..U+009F): a byte the sanitizer let through raw would break one of these.
::testing::AssertionResult free_of_control_bytes(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1fu) : len == 3 ? (c & 0x0fu) : (c & 0x07u);
        for (std::size_t k = 1; k < len; ++k) {
            const auto cont = i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
            if ((cont & 0xc0) != 0x80) len = 0;
            cp = (cp << 6) | (cont & 0x3fu);
        }
        const bool control = (cp < 0x20 && cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
        if (len == 0 || control)
            return ::testing::AssertionFailure() << (len == 0 ? "malformed UTF-8" : "control character")
                                                 << fmt::format(" U+{:04X} at byte {}", cp, i)
                                                 << " in: " << text.substr(i > 60 ? i - 60 : 0, 120);
        i += len;
    }
    return ::testing::AssertionSuccess();
}

TEST(CliHostileInput, EngineStringsWithEscapesNeverReachTheTerminalRaw) {
    const std::string web_id = "a21c4ad64fafcd3a169f6b653f90a0d70f69add37f8b0a09c9feeb944ce73a3f";
    auto web = nlohmann::json::parse(testing::read_fixture("engine-api/container-web.json"));
    web["Name"] = std::string("/web") + kHostile;
    web["State"]["Status"] = std::string("running") + kHostile;
    web["State"]["Error"] = std::string("boom") + kHostile;
    web["State"]["Pid"] = 0;
    web["Config"]["Labels"] = {{std::string("com.example") + kHostile, kHostile}};
    web["NetworkSettings"]["Ports"]["80/tcp"] = {{{"HostIp", std::string("0.0.0.0") + kHostile}, {"HostPort", "8080"}}};
    web["HostConfig"]["PortBindings"]["80/tcp"] = {{{"HostIp", std::string("0.0.0.0") + kHostile}, {"HostPort", "8080"}}};
    auto list = nlohmann::json::parse(testing::read_fixture("engine-api/containers-list.json"));
    for (auto& c : list)
        if (c["Id"] == web_id) c["Names"] = {std::string("/web") + kHostile};
    testing::TempDir dir;
    testing::FakeEngine engine(
        dir.path() / "docker.sock",
        testing::recorded_engine({{"/v1.41/containers/" + web_id + "/json", testing::http_response(200, web.dump())},
                                  {"/v1.41/containers/json?all=1", testing::http_response(200, list.dump())}}));

    auto text = run_docknetdoctor({"--no-probe", "a21c4ad6"}, with_engine(engine.endpoint()));
    EXPECT_NE(text.exit_code, 3) << text.describe();
    EXPECT_NE(text.out.find("web\\x1b]0;pwned"), std::string::npos) << text.out;
    EXPECT_TRUE(free_of_control_bytes(text.out));
    EXPECT_TRUE(free_of_control_bytes(text.err));

    auto json = run_docknetdoctor({"--no-probe", "--format", "json", "a21c4ad6"}, with_engine(engine.endpoint()));
    EXPECT_TRUE(free_of_control_bytes(json.out));
    const auto report = nlohmann::json::parse(json.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << json.out;

    // Unknown names are echoed in errors: those are cleaned too.
    auto unknown = run_docknetdoctor({std::string("we") + kHostile}, with_engine(engine.endpoint()));
    EXPECT_EQ(unknown.exit_code, 3) << unknown.describe();
    EXPECT_TRUE(free_of_control_bytes(unknown.err));
}

}  // namespace
}  // namespace dnd
