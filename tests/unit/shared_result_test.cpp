// The host's listeners are shared by the copies of one Facts (an --all run's containers), not
// copied into each: with 500 containers the copies held ~1,000 listeners apiece.
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {
namespace {

Facts with_one_host_listener() {
    Facts f;
    f.host_listeners = std::vector<Listener>{Listener{Proto::tcp, 4, "0.0.0.0", 8080, 4711, {}}};
    return f;
}

TEST(SharedResult, CopiesOfFactsShareTheHostListeners) {
    const Facts original = with_one_host_listener();
    const Facts copy = original;  // NOLINT(performance-unnecessary-copy-initialization): the copy is the point
    ASSERT_TRUE(copy.host_listeners);
    EXPECT_EQ(&*copy.host_listeners, &*original.host_listeners);
    EXPECT_EQ(copy.host_listeners->front().port, 8080);
}

TEST(SharedResult, AssigningGivesTheCopyItsOwnAndLeavesTheOriginal) {
    const Facts original = with_one_host_listener();
    Facts copy = original;
    copy.host_listeners = fail("procfs", "permission denied");
    ASSERT_FALSE(copy.host_listeners);
    EXPECT_EQ(copy.host_listeners.error().message, "permission denied");
    ASSERT_TRUE(original.host_listeners);
    EXPECT_EQ(original.host_listeners->size(), 1u);
}

TEST(SharedResult, AMovedFromFactsStillReadsAsAResult) {
    Facts original = with_one_host_listener();
    const Facts moved = std::move(original);
    ASSERT_TRUE(moved.host_listeners);
    // The contract: never null, so a moved-from Facts can still be read (it shares the value).
    EXPECT_TRUE(original.host_listeners.has_value());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace dnd
