// A Swarm service on the sandbox engine (a one-node swarm): published through the routing
// mesh on a kernel without IPVS, every connection is refused while its task runs; the task
// container named directly must say so (swarm.ingress-unavailable), and the fix it gives
// (host-mode publishing) must make the port answer a real client. Where the kernel has IPVS
// the mesh may work, and since it is not read, the answer must not be "ok".
#include <filesystem>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

constexpr int kPort = 18610;

class SwarmTest : public SandboxTest {
protected:
    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped()) return;
        const auto init = sandbox().docker({"swarm", "init", "--advertise-addr", sandbox().host_addr()}, 60s);
        ASSERT_TRUE(init.ok()) << init.describe();
        in_swarm_ = true;
    }
    void TearDown() override {
        if (!in_swarm_) return;
        sandbox().docker({"service", "rm", "it-svc"});
        // Leaving takes the ingress network with it; the gateway bridge stays unless removed,
        // and later scenarios must find the engine as they always do.
        EXPECT_TRUE(sandbox().docker({"swarm", "leave", "--force"}, 60s).ok());
        eventually([&] { return sandbox().docker({"network", "rm", "docker_gwbridge"}).ok() ||
                                sandbox().inspect("docker_gwbridge", "{{.Name}}").empty(); },
                   20s);
    }

    // The name of the service's running task container ("" when none runs within 60 s).
    std::string running_task(const std::string& service) const {
        std::string name;
        eventually(
            [&] {
                const auto ps = sandbox().docker({"ps", "--filter", "label=com.docker.swarm.service.name=" + service,
                                                  "--filter", "status=running", "--format", "{{.Names}}"});
                name = ps.ok() ? ps.out.substr(0, ps.out.find('\n')) : "";
                return !name.empty();
            },
            60s);
        return name;
    }

    bool in_swarm_ = false;
};

TEST_F(SwarmTest, IngressWithoutIpvsIsNamedAndHostModePublishingFixesIt) {
    const auto created = sandbox().docker({"service", "create", "-d", "--name", "it-svc", "--no-resolve-image", "-p",
                                           std::to_string(kPort) + ":80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(created.ok()) << created.describe();
    const std::string task = running_task("it-svc");
    ASSERT_FALSE(task.empty()) << sandbox().docker({"service", "ps", "--no-trunc", "it-svc"}).out;
    ASSERT_TRUE(wait_for_container_listener(task, 80));

    const auto d = diagnose_json(task);
    if (std::filesystem::exists("/sys/module/ip_vs")) {
        // The mesh may work here; it is not read, so the answer is not "ok".
        EXPECT_NE(d.process.exit_code, 0) << d.describe();
        ASSERT_TRUE(d.json) << d.describe();
        EXPECT_NE(d.json->at("undecided").dump().find("routing mesh"), std::string::npos) << d.describe();
        GTEST_SKIP() << "this kernel has IPVS: the case without it cannot be made here";
    }
    EXPECT_NE(sandbox().client_connect(kPort), ConnectOutcome::open) << "the mesh answered without IPVS";
    EXPECT_TRUE(reports_top_cause(d, "swarm.ingress-unavailable", 2));

    const auto fix = top_fix_command(d);
    ASSERT_TRUE(fix) << d.describe();
    EXPECT_EQ(fix->rfind("docker service update --publish-rm published=18610,target=80,protocol=tcp,mode=ingress ", 0),
              0u)
        << *fix;
    const auto applied = sandbox().run_fix_command(*fix);
    ASSERT_TRUE(applied.ok()) << *fix << ": " << applied.describe();
    EXPECT_TRUE(eventually([&] { return sandbox().client_connect(kPort, 1s) == ConnectOutcome::open; }, 60s))
        << "after: " << *fix;
    const std::string new_task = running_task("it-svc");
    const auto after = diagnose_json(new_task);
    EXPECT_EQ(after.process.exit_code, 0) << after.describe();
}

}  // namespace
}  // namespace dnd::test
