// network.mtu-mismatch for real: the sandbox host's link to its clients gets an MTU of 1400
// (as a VPN or tunnel would) while a network keeps Docker's 1500, and ICMP "fragmentation
// needed" does not get back to the container (a firewall dropping it). A connection opens and
// a small reply passes, a large download stalls; the diagnosis names the MTUs, and a network
// created with the MTU its fix gives carries the download.
#include <regex>

#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class MtuTest : public SandboxTest {};

constexpr const char* kIcmpFragNeededDrop = "OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP";

// busybox httpd serving a 300 KiB file, published on host_port.
ScopedContainer run_download_server(const Sandbox& sandbox, const std::string& name, const std::string& network,
                                    int host_port) {
    return sandbox.run_container(name, {"--network", network, "-p", std::to_string(host_port) + ":80", sandbox.image(),
                                        "sh", "-c",
                                        "mkdir -p /www && dd if=/dev/zero of=/www/big bs=1k count=300 2>/dev/null && "
                                        "exec httpd -f -p 80 -h /www"});
}

// The bytes a client in the outside namespace downloads within 4 s ("" and the error when none).
std::string download_from_client(const Sandbox& sandbox, int port) {
    const std::string script = "import urllib.request\n"
                               "try:\n"
                               "  print(len(urllib.request.urlopen('http://" + sandbox.host_addr() + ":" +
                               std::to_string(port) + "/big', timeout=4).read()))\n"
                               "except Exception as e:\n"
                               "  print('failed:', e)\n";
    return sandbox.in_client({"python3", "-c", script}, 20s).out;
}

TEST_F(MtuTest, ALinkNarrowerThanTheNetworkStallsLargeTransfersAndTheDiagnosisNamesTheMtus) {
    HostChange narrow(sandbox(), "ip link set ext0 mtu 1400", "ip link set ext0 mtu 1500");
    ASSERT_TRUE(narrow.result().ok()) << narrow.result().describe();
    HostChange no_pmtu(sandbox(), std::string("iptables -I ") + kIcmpFragNeededDrop,
                       std::string("iptables -D ") + kIcmpFragNeededDrop);
    ASSERT_TRUE(no_pmtu.result().ok()) << no_pmtu.result().describe();

    const auto net = sandbox().create_network("it-mtu-net", {});
    ASSERT_TRUE(net.create_result().ok()) << net.create_result().describe();
    const auto web = run_download_server(sandbox(), "it-mtu-web", "it-mtu-net", 8093);
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));

    // The handshake passes (what every small probe sees); the download does not.
    EXPECT_EQ(sandbox().client_connect(8093), ConnectOutcome::open);
    EXPECT_NE(download_from_client(sandbox(), 8093), "307200\n") << "the download passed a link narrower than its packets";

    const auto d = diagnose_json(web.name());
    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(d.process.exit_code, 1) << d.describe();
    ASSERT_TRUE(reports_top_cause(d, "network.mtu-mismatch", 1)) << d.describe();
    const auto& cause = d.json->at("causes").at(0);
    EXPECT_EQ(cause.value("title", std::string()),
              "network it-mtu-net's MTU 1500 is above the 1400 of ext0, the way to clients: full-size packets from "
              "it-mtu-web stall there unless ICMP \"fragmentation needed\" gets back")
        << d.describe();

    // The fix's MTU, as a user would apply it: a network created with it.
    const std::string fix = cause.at("fix").at(0).get<std::string>();
    std::smatch mtu;
    ASSERT_TRUE(std::regex_search(fix, mtu, std::regex("com\\.docker\\.network\\.driver\\.mtu=([0-9]+)"))) << fix;
    EXPECT_EQ(mtu[1].str(), "1400");
    const auto fitted = sandbox().create_network("it-mtu-fit", {"-o", "com.docker.network.driver.mtu=" + mtu[1].str()});
    ASSERT_TRUE(fitted.create_result().ok()) << fitted.create_result().describe();
    const auto fitted_web = run_download_server(sandbox(), "it-mtu-web-fit", "it-mtu-fit", 8094);
    ASSERT_TRUE(fitted_web.run_result().ok()) << fitted_web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(fitted_web.name(), 80));
    EXPECT_EQ(download_from_client(sandbox(), 8094), "307200\n");
    const auto after = diagnose_json(fitted_web.name());
    EXPECT_EQ(after.process.exit_code, 0) << after.describe();
    EXPECT_FALSE(reports_top_cause(after, "network.mtu-mismatch", 1)) << after.describe();
}

}  // namespace
}  // namespace dnd::test
