// What the user reads about a service's tasks when none runs on this node.
#include <gtest/gtest.h>

#include "docknetdoctor/model/service_tasks_text.hpp"

namespace dnd {
namespace {

SwarmService web() {
    SwarmService s;
    s.id = "x7jd3qrijzqd05n8ktb8c3mky";
    s.name = "web";
    return s;
}

SwarmTask task(int slot, std::string state, std::string error = "", std::string node = "pmluyki4ikhykns9raxw4m4d9") {
    SwarmTask t;
    t.id = "t" + std::to_string(slot);
    t.slot = slot;
    t.node_id = std::move(node);
    t.desired_state = "running";
    t.state = std::move(state);
    t.error = std::move(error);
    return t;
}

TEST(ServiceTasksText, RepeatedRejectionsAreSaidOnceWithTheirCount) {
    const std::vector<SwarmTask> tasks{task(1, "assigned"), task(1, "rejected", "No such image: nope:1"),
                                       task(1, "rejected", "No such image: nope:1"), task(2, "running", "", "9pq0l2c7s8adxx")};
    EXPECT_EQ(service_tasks_text(web(), tasks),
              "its tasks: web.1 assigned on node pmluyki4ikhy; web.1 rejected on node pmluyki4ikhy: No such image: "
              "nope:1 (2 times); web.2 running on node 9pq0l2c7s8ad");
}

TEST(ServiceTasksText, AtMostFourKindsAreNamed) {
    std::vector<SwarmTask> tasks;
    for (int slot = 1; slot <= 6; ++slot) tasks.push_back(task(slot, "pending", "no suitable node"));
    const std::string text = service_tasks_text(web(), tasks);
    EXPECT_NE(text.find("web.4 pending"), std::string::npos) << text;
    EXPECT_EQ(text.find("web.5"), std::string::npos) << text;
    EXPECT_TRUE(text.ends_with("; 2 more")) << text;
}

TEST(ServiceTasksText, AGlobalTaskIsNamedByItsNodeNoTaskAndUnreadableTasksAreSaid) {
    EXPECT_EQ(service_tasks_text(web(), std::vector<SwarmTask>{task(0, "running")}),
              "its tasks: web running on node pmluyki4ikhy");
    EXPECT_EQ(service_tasks_text(web(), std::vector<SwarmTask>{}), "it has no task (0 replicas?)");
    EXPECT_EQ(service_tasks_text(web(), fail("docker-api", "GET /tasks: timed out after 5000 ms")),
              "its tasks could not be read (GET /tasks: timed out after 5000 ms)");
}

}  // namespace
}  // namespace dnd
