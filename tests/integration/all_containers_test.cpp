// --all on a host with many containers: the host is read once and every ladder runs in one
// batch. Its answers must be those of diagnosing each container alone, also when the
// process may hold fewer descriptors (ulimit -n 64) than the run has probes (a crowded
// batch goes half-open only in the namespaces its descriptors allow).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class AllContainersTest : public SandboxTest {};

constexpr std::string_view kPrefix = "it-all-";

// Every container this test started, whatever happens to the test.
struct RemoveAllContainers {
    const Sandbox& sandbox;
    ~RemoveAllContainers() {
        sandbox.in_host({"sh", "-c", fmt::format("docker ps -aq --filter name={} | xargs -r docker rm -f", kPrefix)},
                        120s);
    }
};

struct Verdict {
    std::string verdict;
    std::string top_cause;
    bool operator==(const Verdict&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Verdict& v) { return out << v.verdict << " " << v.top_cause; }

Verdict verdict_of(const nlohmann::json& report) {
    const auto causes = report.value("causes", nlohmann::json::array());
    return {report.value("verdict", std::string()), causes.empty() ? "" : causes[0].value("id", std::string())};
}

TEST_F(AllContainersTest, EachContainerGetsItsOwnVerdictWithinSixtyFourDescriptors) {
    // 36 healthy web servers, 3 with nothing listening, 3 listening on loopback only: 42
    // containers, about 130 probes against a budget of under 50 sockets.
    std::vector<std::string> specs;  // NAME PORT ARGS... for xargs
    std::map<std::string, int> port_of;
    for (int i = 0; i < 42; ++i) {
        const std::string kind = i < 36 ? "web" : i < 39 ? "quiet" : "lo";
        const std::string name = fmt::format("{}{}-{}", kPrefix, kind, i);
        const int port = 8400 + i;
        port_of[name] = port;
        const std::string command = kind == "web"     ? "httpd -f -p 80"
                                    : kind == "quiet" ? "sleep 1000"
                                                      : "httpd -f -p 127.0.0.1:80";
        specs.push_back(fmt::format("docker run -d --name {} -p {}:80 {} {}", name, port, image(), command));
    }
    RemoveAllContainers cleanup{sandbox()};
    std::string script;
    for (const auto& s : specs) script += s + "\n";
    const auto started = sandbox().in_host({"sh", "-c", "printf '%s' \"$0\" | xargs -P 6 -I{} sh -c '{} >/dev/null'", script}, 300s);
    ASSERT_TRUE(started.ok()) << started.describe();
    for (const auto& [name, port] : port_of) {
        if (name.find("quiet") != std::string::npos) continue;
        ASSERT_TRUE(wait_for_container_listener(name, 80)) << name;
    }
    // What a real client sees, for one of each kind: the ground truth the verdicts must match.
    EXPECT_EQ(sandbox().client_connect(port_of.at(fmt::format("{}web-0", kPrefix))), ConnectOutcome::open);
    EXPECT_NE(sandbox().client_connect(port_of.at(fmt::format("{}quiet-36", kPrefix))), ConnectOutcome::open);
    EXPECT_NE(sandbox().client_connect(port_of.at(fmt::format("{}lo-39", kPrefix))), ConnectOutcome::open);

    const std::string saved = sandbox().dir() + "/it-all-facts.json";
    Diagnosis all;
    all.process = sandbox().in_host(
        {"sh", "-c", fmt::format("ulimit -n 64 && exec {} --all --format json --save-facts {}", DND_BINARY, saved)}, 120s);
    auto parsed = nlohmann::json::parse(all.process.out, nullptr, false);
    ASSERT_TRUE(!parsed.is_discarded() && parsed.is_array()) << all.describe();
    EXPECT_EQ(all.process.exit_code, 2) << all.describe();  // the broken ones are critical

    std::map<std::string, Verdict> together;
    std::size_t half_open = 0;
    for (const auto& report : parsed) {
        const std::string name = report["target"].value("name", std::string());
        if (!name.starts_with(kPrefix)) continue;
        together[name] = verdict_of(report);
        for (const auto& probe : report.value("probes", nlohmann::json::array())) {
            EXPECT_NE(probe.value("outcome", std::string()), "error") << name << ": " << probe.dump();
            if (probe.value("detail", std::string()).find("half-open") != std::string::npos) ++half_open;
        }
    }
    ASSERT_EQ(together.size(), port_of.size()) << all.describe();
    // The batch is crowded: it went half-open where its descriptors allowed, and connected
    // elsewhere; the verdicts below hold for both.
    EXPECT_GT(half_open, 0u) << all.describe();

    // The saved run replays offline with the same answers.
    const auto replayed = sandbox().diagnose({"--all", "--facts", saved, "--format", "json"});
    ASSERT_TRUE(replayed.json && replayed.json->is_array()) << replayed.describe();
    std::map<std::string, Verdict> offline;
    for (const auto& report : *replayed.json) {
        const std::string name = report["target"].value("name", std::string());
        if (name.starts_with(kPrefix)) offline[name] = verdict_of(report);
    }
    EXPECT_EQ(offline, together);
    std::remove(saved.c_str());

    for (const auto& [name, port] : port_of) {
        const Verdict expected = name.find("web") != std::string::npos     ? Verdict{"ok", ""}
                                 : name.find("quiet") != std::string::npos ? Verdict{"critical", "app.not-listening"}
                                                                           : Verdict{"critical", "app.loopback-only"};
        EXPECT_EQ(together[name], expected) << name;
        const auto alone = diagnose_json(name);
        ASSERT_TRUE(alone.json) << alone.describe();
        EXPECT_EQ(verdict_of(*alone.json), together[name]) << name << "\n" << alone.describe();
    }
}

}  // namespace
}  // namespace dnd::test
