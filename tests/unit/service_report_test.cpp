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

// The engine could not say what the service publishes: the report says so, never "none".
TEST(ServiceReport, PortsTheEngineCouldNotGiveAreABlindSpot) {
    const Report r = build_report(task_facts(fail("docker-api", "GET /services/2xu7ao1196kvvyvwuv89ov52l: 503")), {});
    ASSERT_TRUE(r.service);
    EXPECT_TRUE(r.service->ports.empty());
    ASSERT_FALSE(r.blind_spots.empty());
    EXPECT_THAT(r.blind_spots.back().message, HasSubstr("503"));
}

// A container that is no task has no service in its report.
TEST(ServiceReport, APlainContainerHasNone) {
    const Report r = build_report(testing::FactsBuilder().build(), {});
    EXPECT_FALSE(r.service);
    EXPECT_FALSE(report_to_json(r).contains("service"));
}

}  // namespace
}  // namespace dnd
