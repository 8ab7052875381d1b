// conntrack.stale-entry for real: a UDP service published without the userland proxy, a
// client that keeps sending, and the container recreated at a new address. The client's
// datagrams then die (conntrack keeps the flow it made while the service was gone for the
// host itself); the diagnosis names the stale entry, and its fix, run as the report gives
// it, brings the answers back. The UDP service is a socket in the container's network
// namespace (busybox has no UDP server), made by python3 from the host. Engines that clear
// the port's conntrack entries themselves when the container starts are shown doing so.
#include <filesystem>
#include <fstream>

#include "owned_sandbox.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

constexpr const char* kEcho =
    "import socket\n"
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 5353))\n"
    "while True:\n"
    "    d, a = s.recvfrom(2048); s.sendto(d, a)\n";

// Sends a datagram every 100 ms from one source port (one flow) and appends a line to
// `answers` for each answer.
std::string client_script(const std::string& server, const std::string& answers) {
    return "import socket, time\n"
           "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 40555)); s.settimeout(0.1)\n"
           "out = open('" + answers + "', 'a', buffering=1)\n"
           "while True:\n"
           "    s.sendto(b'q', ('" + server + "', 8170))\n"
           "    try:\n"
           "        s.recvfrom(64); out.write('a\\n'); time.sleep(0.1)\n"
           "    except socket.timeout:\n"
           "        pass\n";
}

// A scratch directory, removed however the test ends.
struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        char pattern[] = "/tmp/dnd-ct-test.XXXXXX";
        if (::mkdtemp(pattern) != nullptr) path = pattern;
    }
    ~ScratchDir() {
        if (!path.empty()) std::filesystem::remove_all(path);
    }
};

std::size_t lines_in(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

TEST(Conntrack, AStaleUdpEntryIsNamedAndItsFixBringsTheAnswersBack) {
    OwnedSandbox owned("-ct", {}, R"({"userland-proxy": false})");
    if (auto why = owned.skip_reason()) GTEST_SKIP() << *why;
    auto sandbox = owned.sandbox();
    ASSERT_TRUE(sandbox) << sandbox.error().message;
    const auto net = sandbox->create_network("it-ct-net", {"--subnet", "172.30.77.0/24"});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();

    // The service at .10, its echo socket inside its network namespace.
    auto start_service = [&](const std::string& address, std::optional<ScopedContainer>& slot, BackgroundProcess& echo) {
        slot.emplace(sandbox->run_container("it-ct-dns", {"--network", net.name(), "--ip", address, "-p", "8170:5353/udp",
                                                          sandbox->image(), "sleep", "1000"}));
        ASSERT_TRUE(slot->run_result().ok()) << slot->run_result().describe();
        const std::string pid = sandbox->inspect(slot->name(), "{{.State.Pid}}");
        std::string error;
        echo = sandbox->start_in_host({"nsenter", "--net=/proc/" + pid + "/ns/net", "python3", "-c", kEcho}, &error);
        ASSERT_TRUE(echo.running()) << error;
    };
    std::optional<ScopedContainer> service;
    BackgroundProcess echo;
    start_service("172.30.77.10", service, echo);

    const ScratchDir dir;
    ASSERT_FALSE(dir.path.empty());
    const auto answers = dir.path / "answers";
    std::string error;
    auto client = BackgroundProcess::start({"nsenter", "--net=" + sandbox->client_netns(), "python3", "-c",
                                            client_script(sandbox->host_addr(), answers.string())},
                                           &error);
    ASSERT_TRUE(client.running()) << error;
    ASSERT_TRUE(eventually([&] { return lines_in(answers) >= 3; }, 10s, 50ms)) << "the service answers at first";

    // Recreated at .11 while the client keeps sending: once it is gone, the client's next
    // datagram makes a flow no DNAT rule translates (kept for the host itself); the new
    // container comes after that entry exists.
    echo.stop();
    service.reset();
    const std::string untranslated = "src=" + sandbox->host_addr() + " dst=" + sandbox->client_addr() + " sport=8170";
    ASSERT_TRUE(eventually(
        [&] { return sandbox->in_host({"conntrack", "-L", "-p", "udp", "--dport", "8170"}).out.find(untranslated) != std::string::npos; },
        10s, 50ms))
        << sandbox->in_host({"conntrack", "-L", "-p", "udp"}).out;
    start_service("172.30.77.11", service, echo);
    const std::size_t before = lines_in(answers);
    if (sandbox->engine_major() >= 26) {
        // Of the engines run here (20.10, 26.1, 28.5), 26.1 and 28.5 delete a published UDP
        // port's conntrack entries when its container starts: the restart leaves nothing
        // stale, the answers come back by themselves, and the diagnosis names no stale entry.
        EXPECT_TRUE(eventually([&] { return lines_in(answers) >= before + 3; }, 5s, 50ms))
            << "engine " << sandbox->engine_version() << " kept the stale entry: "
            << sandbox->in_host({"conntrack", "-L", "-p", "udp"}).out;
        const auto d = sandbox->diagnose({"--format", "json", "--no-probe", service->name()});
        ASSERT_TRUE(d.json) << d.describe();
        const auto ids = d.cause_ids();
        EXPECT_EQ(std::find(ids.begin(), ids.end(), "conntrack.stale-entry"), ids.end()) << d.describe();
        return;
    }
    std::this_thread::sleep_for(2s);  // a measurement: the client sends 20 datagrams meanwhile
    EXPECT_EQ(lines_in(answers), before) << "the client's datagrams still get answers: nothing stale to find";

    const auto d = sandbox->diagnose({"--format", "json", "--no-probe", service->name()});
    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(d.top_cause_id(), "conntrack.stale-entry") << d.describe();
    EXPECT_EQ(d.process.exit_code, 2) << d.describe();
    const auto fix = top_fix_command(d);
    ASSERT_TRUE(fix) << d.describe();
    EXPECT_EQ(*fix, "conntrack -D -p udp --dport 8170");

    const auto fixed = sandbox->run_fix_command(*fix);
    ASSERT_TRUE(fixed.ok()) << fixed.describe();
    EXPECT_TRUE(eventually([&] { return lines_in(answers) >= before + 3; }, 5s, 50ms))
        << "the answers did not come back after: " << *fix;
    const auto after = sandbox->diagnose({"--format", "json", "--no-probe", service->name()});
    ASSERT_TRUE(after.json) << after.describe();
    const auto ids = after.cause_ids();
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "conntrack.stale-entry"), ids.end()) << after.describe();
}

}  // namespace
}  // namespace dnd::test
