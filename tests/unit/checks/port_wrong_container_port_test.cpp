// port.wrong-container-port: the binding points at a port nothing listens on, while the app
// listens on another one.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "-p 8080:80, but the app listens on 8000."
TEST(PortWrongContainerPort, FiresAndMapsTheHostPortToTheAppsPort) {
    auto r = checks::port_wrong_container_port().run(FactsBuilder().listener("0.0.0.0", 8000).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "port.wrong-container-port", tcp(80), Severity::critical,
                            "nothing listens on 80/tcp inside web; the app listens on 8000/tcp"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                                        "no socket on 80/tcp in the container's network namespace (/proc/2927/net/tcp, tcp6)",
                                        "tcp 0.0.0.0:8000 LISTEN httpd(pid 2927)"));
    EXPECT_THAT(f.fix, ElementsAre("recreate web with docker run -p 8080:8000 ... (map the host port to the port the app listens on)",
                                   "or make the app listen on 80/tcp (its port setting or PORT variable)"));
}

// "-p 127.0.0.1:8080:80, the app listens on 3000 and 3001."
TEST(PortWrongContainerPort, FiresNamingEveryPortAndKeepingTheHostAddress) {
    auto r = checks::port_wrong_container_port().run(
        FactsBuilder().publish(80, 8080, "127.0.0.1").listener("0.0.0.0", 3000).listener("::", 3001).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "nothing listens on 80/tcp inside web; the app listens on 3000/tcp, 3001/tcp");
    EXPECT_THAT(f.fix, Contains(HasSubstr("docker run -p 127.0.0.1:8080:3000 ...")));
}

// "--network host, I connect to 80, the app listens on 8000."
TEST(PortWrongContainerPort, FiresInHostModeWithTheAppsOwnPort) {
    auto r = checks::port_wrong_container_port().run(
        FactsBuilder().network_mode("host").port(80).listener("0.0.0.0", 8000).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_THAT(f.fix, ElementsAre("connect to port 8000 (host network: the app's own port is what counts)",
                                   "or make the app listen on 80/tcp (its port setting or PORT variable)"));
}

// "httpd listens on 0.0.0.0:80": the healthy default.
TEST(PortWrongContainerPort, QuietWhenTheBoundPortListens) {
    EXPECT_TRUE(quiet(checks::port_wrong_container_port().run(FactsBuilder().build())));
}

// "Nothing listens anywhere": app.not-listening says that, not this check.
TEST(PortWrongContainerPort, QuietWhenNothingListensAtAll) {
    EXPECT_TRUE(quiet(checks::port_wrong_container_port().run(FactsBuilder().no_listeners().build())));
}

// "Only a debug port on 127.0.0.1:9229 listens": not where a binding should point.
TEST(PortWrongContainerPort, QuietWhenTheOtherPortIsLoopbackOnly) {
    EXPECT_TRUE(quiet(checks::port_wrong_container_port().run(FactsBuilder().listener("127.0.0.1", 9229).build())));
}

// "Run without root": the container's sockets could not be read.
TEST(PortWrongContainerPort, UndecidedWithoutTheContainersSockets) {
    auto r = checks::port_wrong_container_port().run(FactsBuilder().unavailable(Fact::container_listeners).build());
    EXPECT_TRUE(undecided_only(r, {"needs container_listeners (procfs: permission denied)"}));
}

}  // namespace
}  // namespace dnd
