// app.not-listening: no socket at all on the port inside the container.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "-p 8080:80 but the app never started: nothing listens inside."
TEST(AppNotListening, FiresWhenNothingListensAtAll) {
    auto r = checks::app_not_listening().run(FactsBuilder().no_listeners().build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "app.not-listening", tcp(80), Severity::critical,
                            "nothing listens on 80/tcp inside web"));
    EXPECT_THAT(f.evidence, ElementsAre("NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080",
                                        "no socket on 80/tcp in the container's network namespace (/proc/2927/net/tcp, tcp6)",
                                        "no listening socket at all in the container's network namespace"));
    EXPECT_THAT(f.fix, Contains("docker logs --tail 50 web (did the app start, on which port?)"));
    EXPECT_THAT(f.fix, Contains("start the app, or make it listen on 0.0.0.0:80"));
}

// "Only a metrics exporter on 127.0.0.1:9100 is up, the app on 80 is not."
TEST(AppNotListening, FiresAndShowsWhatListensInstead) {
    auto r = checks::app_not_listening().run(FactsBuilder().listener("127.0.0.1", 9100, Proto::tcp, "exporter").build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_THAT(f.evidence, Contains("listening instead: tcp 127.0.0.1:9100 LISTEN exporter(pid 2927)"));
}

// "I asked --port 9000, which is not published, and nothing listens on it."
TEST(AppNotListening, FiresForTheAskedPortEvenWithoutABinding) {
    auto r = checks::app_not_listening().run(FactsBuilder().port(9000).build());
    Finding f = the_finding(r);
    EXPECT_EQ(f.port, tcp(9000));
    EXPECT_THAT(f.evidence, Contains("NetworkSettings.Ports[\"9000/tcp\"] = null"));
}

// "httpd listens on 0.0.0.0:80": the healthy default.
TEST(AppNotListening, QuietWhenTheAppListens) {
    EXPECT_TRUE(quiet(checks::app_not_listening().run(FactsBuilder().build())));
}

// "The app listens on 8000, -p 8080:80 points at 80": port.wrong-container-port names that instead.
TEST(AppNotListening, QuietWhenTheAppListensOnAnotherPort) {
    EXPECT_TRUE(quiet(checks::app_not_listening().run(FactsBuilder().listener("0.0.0.0", 8000).build())));
}

// "EXPOSE 9000 in the image, never published": nobody expects a listener there.
TEST(AppNotListening, QuietForAnExposedOnlyPort) {
    EXPECT_TRUE(quiet(checks::app_not_listening().run(FactsBuilder().exposed(9000).build())));
}

// "Run without root": the container's sockets could not be read.
TEST(AppNotListening, UndecidedWithoutTheContainersSockets) {
    auto r = checks::app_not_listening().run(FactsBuilder().unavailable(Fact::container_listeners, "no such process").build());
    EXPECT_TRUE(undecided_only(r, {"needs container_listeners (procfs: no such process)"}));
}

}  // namespace
}  // namespace dnd
