// A Swarm task's report shows its service and what the service publishes, in text, in the
// --all table (an ingress port is no binding of the task's own) and in JSON (validated).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docknetdoctor/rank/rank.hpp"
#include "docknetdoctor/render/render.hpp"
#include "facts_builder.hpp"
#include "schema_validation.hpp"

namespace dnd {
namespace {

using ::testing::HasSubstr;

Facts task_facts(Result<std::vector<ServicePort>> ports) {
    Facts f = testing::FactsBuilder().name("svc1.1.qi1zfpqyq0ymnsoti7z16qlam").no_binding(80).build();
    SwarmService s;
    s.id = "2xu7ao1196kvvyvwuv89ov52l";
    s.name = "svc1";
    s.ports = std::move(ports);
    s.kernel_has_ipvs = false;
    s.tasks = std::vector<SwarmTask>{
        {"qi1zfpqyq0ymnsoti7z16qlam", 1, "4ulcbt2dlvxsn4cmkl8ajsdf0", "running", "running", ""},
        {"x8c7vb6n5m4l3k2j1h0g9f8d7", 2, "9pq0l2c7s8adz1x2c3v4b5n6m", "running", "rejected", "No such image: nope:1"}};
    f.swarm_service = std::move(s);
    return f;
}

const ServicePort kIngress{PortKey{80, Proto::tcp}, 18600, "ingress"};
const ServicePort kHostMode{PortKey{53, Proto::udp}, 5353, "host"};

TEST(ServiceReport, TextNamesTheServiceAndHowEachPortIsPublished) {
    const Report r = build_report(task_facts(std::vector<ServicePort>{kIngress, kHostMode}), {});
    ASSERT_TRUE(r.service);
    const std::string text = render_text(r, TextStyle{false});
    EXPECT_THAT(text, HasSubstr("\nSwarm service svc1 (2xu7ao1196kvvyvwuv89ov52l)\n"
                                "  publishes 18600->80/tcp through the routing mesh (ingress)\n"
                                "  publishes 5353->53/udp on the node of each task (host mode)\n"));
    const Report reports[] = {r};
    EXPECT_THAT(render_summary_text(reports, TextStyle{false}), HasSubstr(" 18600->80/tcp (mesh) "));
}

TEST(ServiceReport, JsonCarriesTheServiceAndMatchesTheSchema) {
    const nlohmann::json j = report_to_json(build_report(task_facts(std::vector<ServicePort>{kIngress, kHostMode}), {}));
    ASSERT_TRUE(j.contains("service")) << j.dump(2);
    EXPECT_EQ(j["service"]["name"], "svc1");
    EXPECT_EQ(j["service"]["ports"][0], (nlohmann::json{{"published", 18600}, {"target", "80/tcp"}, {"mode", "ingress"}}));
    EXPECT_EQ(j["service"]["ports"][1]["mode"], "host");
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));
    nlohmann::json bad = j;
    bad["service"]["ports"][0]["mode"] = "mesh";
    EXPECT_FALSE(test::validate_against_schema(bad, test::report_schema_path())) << "the schema pins the modes";
}

// A task named directly shows its service's other tasks too, on every node: where the
// service's trouble may be.
TEST(ServiceReport, TheServicesTasksOnEveryNodeAreListed) {
    const Report r = build_report(task_facts(std::vector<ServicePort>{kIngress}), {});
    ASSERT_TRUE(r.service);
    ASSERT_EQ(r.service->tasks.size(), 2u);
    EXPECT_THAT(render_text(r, TextStyle{false}),
                HasSubstr("  publishes 18600->80/tcp through the routing mesh (ingress)\n"
                          "  its tasks: svc1.1 running on node 4ulcbt2dlvxs; svc1.2 rejected on node 9pq0l2c7s8ad: No "
                          "such image: nope:1\n"));
    const nlohmann::json j = report_to_json(r);
    EXPECT_EQ(j["service"]["tasks"][1], (nlohmann::json{{"id", "x8c7vb6n5m4l3k2j1h0g9f8d7"},
                                                        {"slot", 2},
                                                        {"node_id", "9pq0l2c7s8adz1x2c3v4b5n6m"},
                                                        {"desired_state", "running"},
                                                        {"state", "rejected"},
                                                        {"error", "No such image: nope:1"}}));
    EXPECT_TRUE(test::validate_against_schema(j, test::report_schema_path()));
    nlohmann::json bad = j;
    bad["service"]["tasks"][0].erase("state");
    EXPECT_FALSE(test::validate_against_schema(bad, test::report_schema_path())) << "a task says its state";
}

TEST(ServiceReport, TasksTheEngineCouldNotGiveAreABlindSpot) {
    Facts f = task_facts(std::vector<ServicePort>{kIngress});
    f.swarm_service->tasks = fail("docker-api", "GET /tasks: 503 Service Unavailable");
    const Report r = build_report(f, {});
    ASSERT_TRUE(r.service);
    EXPECT_TRUE(r.service->tasks.empty());
    EXPECT_EQ(r.service->tasks_text, "its tasks could not be read (GET /tasks: 503 Service Unavailable)");
    ASSERT_FALSE(r.blind_spots.empty());
    EXPECT_THAT(r.blind_spots.back().message, HasSubstr("GET /tasks: 503"));
}

// The engine could not say what the service publishes: the report says so, never "none".
TEST(ServiceReport, PortsTheEngineCouldNotGiveAreABlindSpot) {
    const Report r = build_report(task_facts(fail("docker-api", "GET /services/2xu7ao1196kvvyvwuv89ov52l: 503")), {});
    ASSERT_TRUE(r.service);
    EXPECT_TRUE(r.service->ports.empty());
    ASSERT_FALSE(r.blind_spots.empty());
    EXPECT_THAT(r.blind_spots.back().message, HasSubstr("GET /services/2xu7ao1196kvvyvwuv89ov52l: 503"));
}

// A container that is no task has no service in its report.
TEST(ServiceReport, APlainContainerHasNone) {
    const Report r = build_report(testing::FactsBuilder().build(), {});
    EXPECT_FALSE(r.service);
    EXPECT_FALSE(report_to_json(r).contains("service"));
}

}  // namespace
}  // namespace dnd
