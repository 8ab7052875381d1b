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
}

}  // namespace
}  // namespace dnd::test
