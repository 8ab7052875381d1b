// engine.rootless: a rootless engine publishes ports through rootlesskit, not netfilter.
#include "check_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "I run Docker rootless (dockerd-rootless.sh)."
TEST(EngineRootless, FiresFromTheEngineProcessEnvironment) {
    auto r = checks::engine_rootless().run(FactsBuilder().rootless().build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "engine.rootless", std::nullopt, Severity::info,
                            "the engine is rootless: published ports go through rootlesskit, not the host's netfilter"));
    EXPECT_THAT(f.evidence, ElementsAre("engine process 812 (/usr/bin/dockerd, listener of the API socket) has "
                                        "ROOTLESSKIT_STATE_DIR=/run/user/1000/dockerd-rootless in its environment",
                                        "engine endpoint = unix:///run/user/1000/docker.sock"));
    EXPECT_THAT(f.fix, Contains("host ports below 1024 need sysctl net.ipv4.ip_unprivileged_port_start lowered"));
}

// "docker info lists name=rootless under Security Options."
TEST(EngineRootless, FiresFromInfoSecurityOptions) {
    auto r = checks::engine_rootless().run(
        FactsBuilder().engine_security_options({"name=seccomp,profile=default", "name=rootless"}).build());
    Finding f = the_finding(r);
    EXPECT_THAT(f.evidence, Contains("/info SecurityOptions has \"name=rootless\""));
}

// "A normal root dockerd": the healthy default.
TEST(EngineRootless, QuietForARootEngine) {
    EXPECT_TRUE(quiet(checks::engine_rootless().run(FactsBuilder().build())));
}

// "docker info shows seccomp only."
TEST(EngineRootless, QuietWhenInfoSaysNoRootless) {
    EXPECT_TRUE(quiet(checks::engine_rootless().run(FactsBuilder().engine_security_options({"name=seccomp,profile=default"}).build())));
}

// "The engine did not answer."
TEST(EngineRootless, UndecidedWithoutTheEngine) {
    auto r = checks::engine_rootless().run(FactsBuilder().unavailable(Fact::engine, "connection refused").build());
    EXPECT_TRUE(undecided_only(r, {"needs the engine info (docker-api: connection refused)"}));
}

}  // namespace
}  // namespace dnd
