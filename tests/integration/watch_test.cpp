// watch against the real engine: while it runs, a DOCKER-USER drop is added and removed, an
// iptables-legacy drop is added and removed, and the container is stopped and started; each
// change must give its line within 2 s of being made (a start whose app is still binding:
// that line, then the settling look's), with the verdict a diagnosis gives,
// and a real connection from the client namespace agreeing. SIGINT and SIGTERM end it with
// exit status 0.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "docknetdoctor/app/look_schedule.hpp"
#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kLineWithin = 2s;

class WatchTest : public SandboxTest {
protected:
    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped()) return;
        char pattern[] = "/tmp/dnd-watch-test.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        watch_.stop();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    // `docknetdoctor watch ARGS --format json` in the sandbox's host netns, its lines to a file.
    void start_watch(const std::vector<std::string>& args) {
        std::string command = std::string("exec ") + DND_BINARY + " watch --format json";
        for (const auto& a : args) command += " '" + a + "'";
        command += " > " + (dir_ / "out").string() + " 2> " + (dir_ / "err").string();
        std::string error;
        watch_ = sandbox().start_in_host({"env", "DOCKER_HOST=" + sandbox().docker_host(), "sh", "-c", command}, &error);
        ASSERT_TRUE(watch_.running()) << error;
    }

    std::vector<nlohmann::json> lines() const {
        std::ifstream in(dir_ / "out");
        std::vector<nlohmann::json> out;
        for (std::string line; std::getline(in, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            out.push_back(j.is_discarded() ? nlohmann::json{{"unparsed", line}} : j);
        }
        return out;
    }

    std::string transcript() const {
        std::ostringstream text;
        for (const char* name : {"out", "err"}) text << name << ":\n" << std::ifstream(dir_ / name).rdbuf() << "\n";
        return text.str();
    }

    // The next line about CONTAINER after the first `after` lines: waits up to 15 s (so a
    // slow line is seen, and its delay reported), and says how long after `since` it came.
    struct Seen {
        nlohmann::json line;
        std::chrono::milliseconds after_change{0};
    };
    Seen next_line(const std::string& container, std::size_t& after, Clock::time_point since) const {
        Seen seen;
        eventually(
            [&] {
                const auto all = lines();
                for (std::size_t i = after; i < all.size(); ++i)
                    if (all[i].value("container", std::string()) == container) {
                        seen.line = all[i];
                        after = i + 1;
                        return true;
                    }
                return false;
            },
            15s, 20ms);
        seen.after_change = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
        return seen;
    }

    // The line came within `within` and says VERDICT with TOP_CAUSE first (none for ok).
    void expect_line(const Seen& seen, const std::string& verdict, const std::string& top_cause, const char* change,
                     std::chrono::milliseconds within = kLineWithin) {
        ASSERT_FALSE(seen.line.is_null()) << "no line after: " << change << "\n" << transcript();
        EXPECT_LE(seen.after_change, within) << change << "\n" << seen.line.dump();
        EXPECT_EQ(seen.line.value("verdict", std::string()), verdict) << change << "\n" << seen.line.dump();
        const auto causes = seen.line.value("causes", nlohmann::json::array());
        EXPECT_EQ(causes.empty() ? std::string() : causes.front().get<std::string>(), top_cause)
            << change << "\n" << seen.line.dump();
    }

    std::filesystem::path dir_;
    BackgroundProcess watch_;
};

TEST_F(WatchTest, EachChangeGivesItsLineWithinTwoSeconds) {
    auto web = sandbox().run_container("it-watch", {"-p", "8120:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_EQ(sandbox().client_connect(8120), ConnectOutcome::open);

    start_watch({web.name(), "--from", sandbox().client_addr()});
    std::size_t read = 0;
    const auto first = next_line(web.name(), read, Clock::now());
    ASSERT_FALSE(first.line.is_null()) << transcript();
    EXPECT_EQ(first.line.value("verdict", std::string()), "ok") << first.line.dump();
    EXPECT_EQ(first.line.value("trigger", std::string()), "start") << first.line.dump();
    EXPECT_TRUE(first.line["previous"].is_null()) << first.line.dump();

    const std::string user_drop = "DOCKER-USER -p tcp --dport 80 -j DROP";
    {
        HostChange drop(sandbox(), "iptables -I " + user_drop, "iptables -D " + user_drop);
        ASSERT_TRUE(drop.result().ok()) << drop.result().describe();
        expect_line(next_line(web.name(), read, Clock::now()), "critical", "netfilter.forward-drop", "DOCKER-USER drop");
        EXPECT_EQ(sandbox().client_connect(8120, 1s), ConnectOutcome::timeout);
    }
    expect_line(next_line(web.name(), read, Clock::now()), "ok", "", "DOCKER-USER drop removed");
    EXPECT_EQ(sandbox().client_connect(8120), ConnectOutcome::open);

    // iptables-legacy tables announce nothing: watch reads them each second.
    const std::string legacy_drop = "FORWARD -p tcp --dport 80 -j DROP";
    {
        HostChange drop(sandbox(), "iptables-legacy -I " + legacy_drop, "iptables-legacy -D " + legacy_drop);
        ASSERT_TRUE(drop.result().ok()) << drop.result().describe();
        const auto seen = next_line(web.name(), read, Clock::now());
        expect_line(seen, "critical", "netfilter.forward-drop", "iptables-legacy drop");
        EXPECT_EQ(seen.line.value("trigger", std::string()), "iptables-legacy") << seen.line.dump();
        EXPECT_EQ(sandbox().client_connect(8120, 1s), ConnectOutcome::timeout);
    }
    expect_line(next_line(web.name(), read, Clock::now()), "ok", "", "iptables-legacy drop removed");

    ASSERT_TRUE(sandbox().docker({"stop", "-t", "1", web.name()}).ok());
    expect_line(next_line(web.name(), read, Clock::now()), "critical", "container.not-running", "docker stop");
    const auto started_at = Clock::now();
    ASSERT_TRUE(sandbox().docker({"start", web.name()}).ok());
    // The engine says "start" before httpd has bound its port: a look in between rightly
    // finds nothing listening, and the look that settles the change (kSettle later) finds
    // it serving. Either way the first line comes within 2 s.
    auto started = next_line(web.name(), read, started_at);
    if (started.line.value("causes", nlohmann::json::array()) == nlohmann::json::array({"app.not-listening"})) {
        expect_line(started, "critical", "app.not-listening", "docker start, before httpd listens");
        started = next_line(web.name(), read, started_at);
        expect_line(started, "ok", "", "docker start, the settling look", kLineWithin + LookSchedule::kSettle);
    } else {
        expect_line(started, "ok", "", "docker start");
    }
    EXPECT_EQ(sandbox().client_connect(8120), ConnectOutcome::open);

    EXPECT_EQ(watch_.signal_and_wait(SIGINT, 5s), 0) << transcript();
    // A line is a change, never a repeat.
    nlohmann::json last;
    for (const auto& line : lines()) {
        if (line.value("container", std::string()) != web.name()) continue;
        const auto state = nlohmann::json::array({line["verdict"], line["causes"]});
        EXPECT_NE(state, last) << transcript();
        last = state;
    }
}

TEST_F(WatchTest, SigtermEndsEveryContainersWatch) {
    auto web = sandbox().run_container("it-watch-all", {"-p", "8121:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    start_watch({"--all"});
    std::size_t read = 0;
    const auto first = next_line(web.name(), read, Clock::now());
    ASSERT_FALSE(first.line.is_null()) << transcript();
    EXPECT_EQ(first.line.value("verdict", std::string()), "ok") << first.line.dump();
    EXPECT_EQ(watch_.signal_and_wait(SIGTERM, 5s), 0) << transcript();
    const auto all = lines();
    ASSERT_FALSE(all.empty());
    EXPECT_NE(all.front().value("note", std::string()).find("watching every container with a published port"),
              std::string::npos)
        << transcript();
}

}  // namespace
}  // namespace dnd::test
