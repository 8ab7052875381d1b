// network.host-mode-ports-ignored: --network host discards -p; the port the app binds on the
// host is the one clients reach.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "docker run --network host -p 8080:80 httpd, and http://host:8080 does not answer."
TEST(NetworkHostModePortsIgnored, FiresWhenTheMappedHostPortIsNotTheAppsPort) {
    auto r = checks::network_host_mode_ports_ignored().run(FactsBuilder().network_mode("host").build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "network.host-mode-ports-ignored", tcp(80), Severity::critical,
                            "web uses the host network: -p 8080:80 is ignored; the app listens on host port 80"));
    EXPECT_THAT(f.evidence, ElementsAre("HostConfig.NetworkMode = host", "HostConfig.PortBindings[\"80/tcp\"] = 0.0.0.0:8080",
                                        "tcp 0.0.0.0:80 LISTEN httpd(pid 2927)"));
    EXPECT_THAT(f.fix, ElementsAre("connect to host port 80 directly (drop -p 8080:80): on the host network, the port "
                                   "the app binds is the host's port",
                                   "or, to use host port 8080, recreate web on a bridge network: docker run -p 8080:80 ..."));
}

// "--network host -p 8080:80, and the app binds 127.0.0.1:80."
TEST(NetworkHostModePortsIgnored, FiresWhenNoSocketOfTheAppTakesOutsideClients) {
    auto r = checks::network_host_mode_ports_ignored().run(FactsBuilder().network_mode("host").listener("127.0.0.1", 80).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "web uses the host network: -p 8080:80 is ignored; no process of web accepts connections from "
                       "other hosts");
    EXPECT_THAT(f.evidence, ElementsAre("HostConfig.NetworkMode = host", "HostConfig.PortBindings[\"80/tcp\"] = 0.0.0.0:8080",
                                        "tcp 127.0.0.1:80 LISTEN httpd(pid 2927)",
                                        "no socket of the container's processes on 80/tcp in the host's network namespace, "
                                        "which it shares (/proc/2927/net/tcp, tcp6)"));
    EXPECT_THAT(f.fix, Contains("drop -p 8080:80 and make the app listen on 0.0.0.0:80: on the host network, the port the "
                                "app binds is the host's port"));
}

// "--network host -p 80:80 and the app is on :80": clients reach it as written; only misleading.
TEST(NetworkHostModePortsIgnored, OnlyInformationWhenTheAppListensOnTheWrittenHostPort) {
    auto r = checks::network_host_mode_ports_ignored().run(FactsBuilder().network_mode("host").publish(80, 80).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "network.host-mode-ports-ignored", tcp(80), Severity::info,
                            "web uses the host network: -p 80:80 is ignored; the app listens on host port 80 itself, "
                            "so clients reach it as written"));
    EXPECT_THAT(f.fix, ElementsAre("drop -p 80:80: it does nothing on the host network, and it would mislead once the "
                                   "app's port changes"));
}

// "Run without root, --network host -p 8080:80": the engine's fields alone say -p is ignored.
TEST(NetworkHostModePortsIgnored, FiresWithoutTheAppsSockets) {
    auto r = checks::network_host_mode_ports_ignored().run(
        FactsBuilder().network_mode("host").unavailable(Fact::container_listeners).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "web uses the host network: -p 8080:80 is ignored; the app's own port on the host is what counts");
    EXPECT_THAT(f.evidence, ElementsAre("HostConfig.NetworkMode = host", "HostConfig.PortBindings[\"80/tcp\"] = 0.0.0.0:8080"));
}

// "-p 8080:80 on the default bridge": the healthy default.
TEST(NetworkHostModePortsIgnored, QuietOnABridgeNetwork) {
    EXPECT_TRUE(quiet(checks::network_host_mode_ports_ignored().run(FactsBuilder().build())));
}

// "--network host without -p, the app on :80."
TEST(NetworkHostModePortsIgnored, QuietInHostModeWithoutPublishedPorts) {
    EXPECT_TRUE(quiet(checks::network_host_mode_ports_ignored().run(FactsBuilder().network_mode("host").no_binding(80).build())));
}

// "The engine would not show the container."
TEST(NetworkHostModePortsIgnored, UndecidedWithoutTheContainer) {
    auto r = checks::network_host_mode_ports_ignored().run(FactsBuilder().unavailable(Fact::container).build());
    EXPECT_TRUE(undecided_only(r, {"needs the container (docker-api: permission denied)"}));
}

}  // namespace
}  // namespace dnd
