// port.host-port-conflict: another process or container holds the host port, so the binding
// failed (or, with userland-proxy=false, local clients reach the other process).
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

constexpr const char* kInUse =
    "driver failed programming external connectivity on endpoint web: Error starting userland proxy: "
    "listen tcp4 0.0.0.0:8080: bind: address already in use";

// "docker start web: address already in use; nginx on the host has 8080."
TEST(PortHostPortConflict, FiresNamingTheHolderAndExplainingTheStoppedContainer) {
    auto r = checks::port_host_port_conflict().run(
        FactsBuilder().state("created").state_error(kInUse).host_listener("0.0.0.0", 8080, "nginx", 1234).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "port.host-port-conflict", tcp(80), Severity::critical,
                            "host port 8080 is held by nginx (pid 1234)"));
    EXPECT_THAT(f.evidence, ElementsAre(std::string("State.Error = \"") + kInUse + "\"",
                                        "HostConfig.PortBindings[\"80/tcp\"] = 0.0.0.0:8080",
                                        "host: tcp 0.0.0.0:8080 LISTEN nginx(pid 1234)"));
    EXPECT_THAT(f.fix, ElementsAre("see who holds it: ss -ltnp 'sport = :8080'", "stop the holder, then docker start web",
                                   "or recreate web on another host port: docker run -p 8081:80 ..."));
    EXPECT_THAT(f.explains, ElementsAre("container.not-running"));
}

// "port is already allocated": another container published 8080 first.
TEST(PortHostPortConflict, FiresPointingAtTheOtherContainer) {
    auto r = checks::port_host_port_conflict().run(
        FactsBuilder()
            .state("created")
            .state_error("Bind for 0.0.0.0:8080 failed: port is already allocated")
            .host_listener("0.0.0.0", 8080, "docker-proxy", 3333)
            .build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "host port 8080 is held by another container's docker-proxy (pid 3333)");
    EXPECT_THAT(f.fix, Contains("docker ps --filter publish=8080 shows the container that has it"));
}

// "userland-proxy=false, web runs, but nginx on the host also listens on 8080."
TEST(PortHostPortConflict, FiresForARunningContainerShadowedWithoutTheProxy) {
    auto r = checks::port_host_port_conflict().run(
        FactsBuilder().daemon_option("userland-proxy", false).host_listener("0.0.0.0", 8080, "nginx", 1234).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_EQ(f.title, "host port 8080 is held by nginx (pid 1234)");
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                                        "host: tcp 0.0.0.0:8080 LISTEN nginx(pid 1234)"));
    EXPECT_THAT(f.explains, IsEmpty());
}

// Docker 28 with userland-proxy=false: the engine binds published ports itself and keeps them.
// "port is already allocated": another container of the same engine has 8080.
TEST(PortHostPortConflict, FiresPointingAtTheEngineThatHoldsItForAnotherContainer) {
    auto r = checks::port_host_port_conflict().run(
        FactsBuilder()
            .daemon_option("userland-proxy", false)
            .state("created")
            .state_error("Bind for 0.0.0.0:8080 failed: port is already allocated")
            .host_listener("0.0.0.0", 8080, "dockerd", 812)
            .build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.title, "host port 8080 is held by the engine for another container (dockerd, pid 812)");
    EXPECT_THAT(f.fix, Contains("docker ps --filter publish=8080 shows the container that has it"));
}

// "address already in use, but on a port I did not expect."
TEST(PortHostPortConflict, FiresWithoutAPortWhenTheErrorNamesNoneOfTheBindings) {
    auto r = checks::port_host_port_conflict().run(
        FactsBuilder().state("created").state_error("listen tcp4 0.0.0.0:9090: bind: address already in use").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, std::nullopt);
    EXPECT_EQ(f.title, "web could not bind its host port: it is already in use");
    EXPECT_THAT(f.fix, ElementsAre("see who holds the port: ss -ltnp", "stop the holder or publish on another host port"));
}

// "web runs and its own docker-proxy holds 8080": the healthy default.
TEST(PortHostPortConflict, QuietWhenTheEnginesProxyHoldsThePort) {
    EXPECT_TRUE(quiet(checks::port_host_port_conflict().run(FactsBuilder().build())));
}

// Docker 28, userland-proxy=false: "web runs, and dockerd itself holds 8080 for it". Seen in the
// sandbox's 28.5: `ss -ltnp` names dockerd (no docker-proxy runs).
TEST(PortHostPortConflict, QuietWhenTheEngineItselfHoldsThePort) {
    auto f = FactsBuilder().daemon_option("userland-proxy", false).host_listener("0.0.0.0", 8080, "dockerd", 812).build();
    EXPECT_TRUE(quiet(checks::port_host_port_conflict().run(f)));
}

// "A second engine on this host (another dockerd) holds 8080": not this engine's.
TEST(PortHostPortConflict, FiresForAnotherEnginesProcess) {
    auto f = FactsBuilder().daemon_option("userland-proxy", false).host_listener("0.0.0.0", 8080, "dockerd", 4321).build();
    EXPECT_EQ(the_finding(checks::port_host_port_conflict().run(f)).title, "host port 8080 is held by dockerd (pid 4321)");
}

// "Created but not started, and 8080 is free."
TEST(PortHostPortConflict, QuietWhenNothingHoldsThePort) {
    EXPECT_TRUE(quiet(checks::port_host_port_conflict().run(FactsBuilder().state("created").build())));
}

// "nginx holds 8081 on the host; web publishes 8080."
TEST(PortHostPortConflict, QuietForAnotherPort) {
    auto f = FactsBuilder().daemon_option("userland-proxy", false).host_listener("0.0.0.0", 8081, "nginx", 1234).build();
    EXPECT_TRUE(quiet(checks::port_host_port_conflict().run(f)));
}

// "Run without root": the host's sockets could not be read.
TEST(PortHostPortConflict, UndecidedWithoutTheHostsSockets) {
    auto r = checks::port_host_port_conflict().run(FactsBuilder().unavailable(Fact::host_listeners).build());
    EXPECT_TRUE(undecided_only(r, {"needs host_listeners (procfs: permission denied)"}));
}

}  // namespace
}  // namespace dnd
