// Reachable, but too reachable: a cache port published on every address.
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class ExposureTest : public SandboxTest {};

TEST_F(ExposureTest, RedisPortOnAllAddressesIsPublicSensitivePort) {
    const auto cache =
        sandbox().run_container("it-exposed-redis", {"-p", "6379:6379", image(), "httpd", "-f", "-p", "6379"});
    ASSERT_TRUE(cache.run_result().ok()) << cache.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(cache.name(), 6379));
    ASSERT_EQ(sandbox().client_connect(6379), ConnectOutcome::open);

    const auto diagnosis = diagnose_json(cache.name());

    EXPECT_TRUE(reports_top_cause(diagnosis, "exposure.public-sensitive-port", 1));
    // Reachable on every rung, the outside address included: the exposure is real.
    for (const char* rung : {"container-loopback", "container-address", "host-to-container", "host-published"})
        EXPECT_EQ(outcomes_on(diagnosis, rung, "6379/tcp"), Outcomes{"open"}) << rung << "\n" << diagnosis.describe();
    EXPECT_EQ(outcome_of(diagnosis, "host-published", sandbox().host_addr()), "open") << diagnosis.describe();
    ASSERT_TRUE(diagnosis.json);
    EXPECT_EQ(diagnosis.json->at("causes")[0].value("support", std::string()), "confirmed") << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
