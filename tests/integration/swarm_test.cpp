// A Swarm service on the sandbox engine (a one-node swarm): published through the routing
// mesh on a kernel without IPVS, every connection is refused while its task runs; the task
// container named directly must say so (swarm.ingress-unavailable), and the fix it gives
// (host-mode publishing) must make the port answer a real client. Where the kernel has IPVS
// the mesh may work, and since it is not read, the answer must not be "ok".
#include <algorithm>
#include <filesystem>
#include <optional>

#include "fixture_files.hpp"
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
        sandbox().docker({"service", "rm", "it-svc", "it-svc-quiet", "it-svc-none", "it-svc-broken"});
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

    const std::string facts_path = sandbox().dir() + "/swarm-ingress-facts.json";
    std::filesystem::remove(facts_path);
    const auto d = diagnose_json(task, {"--save-facts", facts_path});
    const bool mesh_answers = sandbox().client_connect(kPort) == ConnectOutcome::open;
    if (std::filesystem::exists("/sys/module/ip_vs")) {
        // The mesh is read step by step: its answer must agree with a real connection.
        ASSERT_TRUE(d.json) << d.describe();
        EXPECT_EQ(reports_top_cause(d, "swarm.ingress-unavailable", 2), !mesh_answers) << d.describe();
        GTEST_SKIP() << "this kernel has IPVS: the case without it cannot be made here";
    }
    EXPECT_FALSE(mesh_answers) << "the mesh answered without IPVS";
    EXPECT_TRUE(reports_top_cause(d, "swarm.ingress-unavailable", 2));

    // The mesh was read from inside the engine's own ingress_sbox (found beside the task's
    // SandboxKey), and the kernel's IPVS family answer agrees with /sys/module.
    const auto facts = nlohmann::json::parse(testing::read_text(facts_path), nullptr, false);
    ASSERT_FALSE(facts.is_discarded()) << facts_path;
    const auto& mesh = facts.at("swarm_service").at("mesh");
    EXPECT_EQ(mesh.value("sandbox", std::string()), sandbox().dir() + "/exec/netns/ingress_sbox") << mesh.dump(2);
    EXPECT_FALSE(mesh.at("nftables").contains("unavailable")) << mesh.dump(2);
    EXPECT_NE(mesh.at("nftables").dump().find("DOCKER_OUTPUT"), std::string::npos)
        << "ingress_sbox's own nat rules (its DNS) were not read: " << mesh.dump(2);
    EXPECT_EQ(mesh.at("ipvs").at("unavailable").value("message", std::string()),
              "this kernel has no IPVS (no \"IPVS\" generic netlink family)")
        << mesh.dump(2);

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

// A service is a target: by its name, its task here is diagnosed (in --all's form, one
// report per task); --all diagnoses the task although the task container binds no port of
// its own (ingress ports are the mesh's), and leaves out a task whose service publishes
// nothing; a service with no task here is named in one line, with its tasks' states and
// the engine's errors.
TEST_F(SwarmTest, AServiceIsDiagnosedThroughItsTasksHereAndAllIncludesThem) {
    if (std::filesystem::exists("/sys/module/ip_vs")) GTEST_SKIP() << "this kernel has IPVS: the mesh may work here";
    const auto created = sandbox().docker({"service", "create", "-d", "--name", "it-svc", "--no-resolve-image", "-p",
                                           std::to_string(kPort) + ":80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(created.ok()) << created.describe();
    const auto quiet = sandbox().docker({"service", "create", "-d", "--name", "it-svc-quiet", "--no-resolve-image",
                                         image(), "sleep", "1000"});
    ASSERT_TRUE(quiet.ok()) << quiet.describe();
    const auto none = sandbox().docker({"service", "create", "-d", "--name", "it-svc-none", "--no-resolve-image",
                                        "--replicas", "0", "-p", "18611:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(none.ok()) << none.describe();
    const std::string task = running_task("it-svc");
    const std::string quiet_task = running_task("it-svc-quiet");
    ASSERT_FALSE(task.empty() || quiet_task.empty()) << sandbox().docker({"service", "ps", "--no-trunc", "it-svc"}).out;
    ASSERT_TRUE(wait_for_container_listener(task, 80));
    EXPECT_NE(sandbox().client_connect(kPort), ConnectOutcome::open) << "the mesh answered without IPVS";

    auto only_report_of = [](const Diagnosis& d, const std::string& container) -> std::optional<nlohmann::json> {
        if (!d.json || !d.json->is_array()) return std::nullopt;
        std::optional<nlohmann::json> found;
        for (const auto& report : *d.json)
            if (report["target"].value("container", std::string()) == container) found = report;
        return found;
    };
    const auto by_service = diagnose_json("it-svc");
    ASSERT_TRUE(by_service.json && by_service.json->is_array()) << by_service.describe();
    EXPECT_EQ(by_service.json->size(), 1u) << by_service.describe();
    const auto report = only_report_of(by_service, task);
    ASSERT_TRUE(report) << by_service.describe();
    EXPECT_EQ((*report)["causes"][0].value("id", std::string()), "swarm.ingress-unavailable") << by_service.describe();
    EXPECT_EQ((*report)["service"].value("name", std::string()), "it-svc") << by_service.describe();
    EXPECT_EQ((*report)["service"]["ports"][0],
              (nlohmann::json{{"published", kPort}, {"target", "80/tcp"}, {"mode", "ingress"}}))
        << by_service.describe();
    // Its tasks as the engine lists them: the one running here, its id the container's label.
    const auto& tasks = (*report)["service"]["tasks"];
    ASSERT_EQ(tasks.size(), 1u) << by_service.describe();
    EXPECT_EQ(tasks[0].value("state", std::string()), "running") << by_service.describe();
    EXPECT_EQ(tasks[0].value("slot", 0), 1) << by_service.describe();
    EXPECT_EQ(tasks[0].value("id", std::string()),
              sandbox().inspect(task, "{{index .Config.Labels \"com.docker.swarm.task.id\"}}"))
        << by_service.describe();
    EXPECT_EQ(by_service.process.exit_code, 2) << by_service.describe();

    const auto all = sandbox().diagnose({"--all", "--format", "json"});
    const auto in_all = only_report_of(all, task);
    ASSERT_TRUE(in_all) << all.describe();
    EXPECT_EQ((*in_all)["causes"][0].value("id", std::string()), "swarm.ingress-unavailable") << all.describe();
    EXPECT_FALSE(only_report_of(all, quiet_task)) << "a task whose service publishes nothing\n" << all.describe();
    EXPECT_EQ(all.process.exit_code, 2) << all.describe();
    // The table shows the mesh's port for the task, which binds none of its own.
    const auto table = sandbox().diagnose({"--all"});
    EXPECT_NE(table.process.out.find(std::to_string(kPort) + "->80/tcp (mesh)"), std::string::npos) << table.describe();

    const auto no_task = sandbox().diagnose({"it-svc-none"});
    EXPECT_EQ(no_task.process.exit_code, 3) << no_task.describe();
    EXPECT_TRUE(no_task.process.out.empty()) << no_task.describe();
    EXPECT_NE(no_task.process.err.find("service it-svc-none ("), std::string::npos) << no_task.describe();
    EXPECT_NE(no_task.process.err.find(") has no running task on this node"), std::string::npos) << no_task.describe();

    EXPECT_NE(no_task.process.err.find("it has no task (0 replicas?)"), std::string::npos) << no_task.describe();

    // A task the engine rejects: the line says so, with the engine's own error.
    const auto broken = sandbox().docker({"service", "create", "-d", "--name", "it-svc-broken", "--no-resolve-image",
                                          "-p", "18612:80", "it-no-such-image:1"});
    ASSERT_TRUE(broken.ok()) << broken.describe();
    ASSERT_TRUE(eventually(
        [&] {
            return sandbox().docker({"service", "ps", "--format", "{{.CurrentState}}", "it-svc-broken"}).out.find(
                       "Rejected") != std::string::npos;
        },
        60s));
    const auto rejected = sandbox().diagnose({"it-svc-broken"});
    EXPECT_EQ(rejected.process.exit_code, 3) << rejected.describe();
    // (The engine retries meanwhile: a newer task may be listed first, "assigned" or "ready".)
    EXPECT_NE(rejected.process.err.find("; its tasks: it-svc-broken.1 "), std::string::npos) << rejected.describe();
    EXPECT_NE(rejected.process.err.find("it-svc-broken.1 rejected on node "), std::string::npos)
        << rejected.describe();
    EXPECT_NE(rejected.process.err.find(": No such image: it-no-such-image:1"), std::string::npos) << rejected.describe();
    EXPECT_EQ(std::count(rejected.process.err.begin(), rejected.process.err.end(), '\n'), 1) << rejected.describe();

    // --to is one container's question: a service's name is refused, with how to name a task.
    const auto to = sandbox().diagnose({"it-svc", "--to", "it-svc-quiet:80"});
    EXPECT_EQ(to.process.exit_code, 3) << to.describe();
    EXPECT_TRUE(to.process.out.empty()) << to.describe();
    EXPECT_NE(to.process.err.find("it-svc is a Swarm service: --to asks what one container can reach; name one of its "
                                  "tasks (docker ps --filter label=com.docker.swarm.service.name=it-svc)"),
              std::string::npos)
        << to.describe();

    const auto neither = sandbox().diagnose({"it-svc-nosuch"});
    EXPECT_EQ(neither.process.exit_code, 3) << neither.describe();
    EXPECT_NE(neither.process.err.find("no such container: it-svc-nosuch"), std::string::npos) << neither.describe();
}

}  // namespace
}  // namespace dnd::test
