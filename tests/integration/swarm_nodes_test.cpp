// A real two-node swarm: the shared sandbox's engine is the manager, a sandbox of the test's
// own the worker, their host namespaces joined by a veth (10.232.0.1 and .2). Containers on
// an attachable overlay network talk across the nodes; with the VXLAN port dropped on the
// way out of one node, or on the way into the other, they no longer do, and a diagnosis of
// the container on that node (and --to the one across) must name the port, the other node
// and the rule, and its fix must bring the connection back. A port the other node drops is
// found by a real connection from this one. Services span the nodes: a global host-mode one
// is served on each node and its report lists a task per node; an ingress one, without
// IPVS, on none.
#include <filesystem>
#include <set>

#include "host_change.hpp"
#include "owned_sandbox.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

constexpr const char* kManagerAddr = "10.232.0.1";
constexpr const char* kWorkerAddr = "10.232.0.2";

class SwarmNodesTest : public SandboxTest {
protected:
    void TearDown() override {
        if (!in_swarm_) return;
        // As the one-node swarm test leaves it: no swarm, no gateway bridge.
        EXPECT_TRUE(sandbox().docker({"swarm", "leave", "--force"}, 60s).ok());
        eventually([&] { return sandbox().docker({"network", "rm", "docker_gwbridge"}).ok() ||
                                sandbox().inspect("docker_gwbridge", "{{.Name}}").empty(); },
                   20s);
    }

    // The first line an HTTP GET from container FROM to ADDRESS:80 gets, through `docker
    // exec` on ENGINE ("" when nothing came within 3 s).
    static std::string http_status(const Sandbox& engine, const std::string& from, const std::string& address) {
        const auto got = engine.docker(
            {"exec", from, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + address + " 80 | head -n 1"}, 20s);
        return got.out.substr(0, got.out.find('\r'));
    }

    bool in_swarm_ = false;
};

TEST_F(SwarmNodesTest, BlockedSwarmPortsBetweenTwoRealNodesAreNamedAndTheFixBringsTheOverlayBack) {
    OwnedSandbox owned("-swb", {});
    if (auto why = owned.skip_reason()) GTEST_SKIP() << *why;
    const auto worker_sandbox = owned.sandbox();
    ASSERT_TRUE(worker_sandbox) << worker_sandbox.error().message;
    const Sandbox& manager = sandbox();
    const Sandbox& worker = *worker_sandbox;

    // The link between the nodes goes with the worker's namespace when its sandbox stops.
    const auto link = manager.in_host({"sh", "-ec",
                                       "ip link add dndswA type veth peer name dndswB netns " + worker.host_netns() +
                                           " && ip addr add " + kManagerAddr + "/24 dev dndswA && ip link set dndswA up"});
    ASSERT_TRUE(link.ok()) << link.describe();
    const auto link_b = worker.in_host({"sh", "-ec", std::string("ip addr add ") + kWorkerAddr +
                                                         "/24 dev dndswB && ip link set dndswB up"});
    ASSERT_TRUE(link_b.ok()) << link_b.describe();

    const auto init = manager.docker({"swarm", "init", "--advertise-addr", kManagerAddr}, 60s);
    ASSERT_TRUE(init.ok()) << init.describe();
    in_swarm_ = true;
    const auto token = manager.docker({"swarm", "join-token", "-q", "worker"});
    ASSERT_TRUE(token.ok()) << token.describe();
    const auto join = worker.docker({"swarm", "join", "--advertise-addr", kWorkerAddr, "--token",
                                     token.out.substr(0, token.out.find('\n')), std::string(kManagerAddr) + ":2377"},
                                    60s);
    ASSERT_TRUE(join.ok()) << join.describe();

    const auto overlay = manager.docker({"network", "create", "-d", "overlay", "--attachable", "it-ov"});
    ASSERT_TRUE(overlay.ok()) << overlay.describe();
    const auto web = worker.run_container("it-ov-web", {"--network", "it-ov", worker.image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    const auto client = manager.run_container("it-ov-client", {"--network", "it-ov", manager.image(), "sleep", "1000"});
    ASSERT_TRUE(client.run_result().ok()) << client.run_result().describe();
    const std::string web_addr = worker.inspect("it-ov-web", "{{(index .NetworkSettings.Networks \"it-ov\").IPAddress}}");
    ASSERT_FALSE(web_addr.empty());

    // Across the overlay, nothing filtered: it answers, and the diagnosis says nothing of the swarm's ports.
    ASSERT_TRUE(eventually([&] { return http_status(manager, "it-ov-client", web_addr).starts_with("HTTP/1."); }, 30s))
        << "the overlay did not carry a connection between the nodes";
    const auto healthy = diagnose_json("it-ov-client");
    EXPECT_EQ(healthy.process.exit_code, 0) << healthy.describe();
    EXPECT_TRUE(cause_with_id(healthy, "swarm.node-ports-blocked").empty()) << healthy.describe();
    // --to the container on the other node, by its name (the overlay's DNS knows it): reached.
    const auto to_web = manager.diagnose({"it-ov-client", "--to", "it-ov-web:80", "--format", "json"});
    EXPECT_EQ(to_web.process.exit_code, 0) << to_web.describe();

    {
        // The link between the nodes narrowed to 1450, as a VPN between them would: the
        // overlay's 1450 plus VXLAN's 50 bytes no longer fits it.
        HostChange narrow(manager, "ip link set dndswA mtu 1450", "ip link set dndswA mtu 1500");
        HostChange narrow_worker(worker, "ip link set dndswB mtu 1450", "ip link set dndswB mtu 1500");
        ASSERT_TRUE(narrow.result().ok() && narrow_worker.result().ok()) << narrow.result().describe();
        const auto d = diagnose_json("it-ov-client");
        EXPECT_EQ(d.process.exit_code, 1) << d.describe();
        ASSERT_TRUE(d.json) << d.describe();
        bool named = false;
        for (const auto& c : d.json->at("causes"))
            named = named || c.value("title", std::string()) ==
                                 "overlay it-ov's MTU 1450 plus 50 bytes of VXLAN is above the 1450 of dndswA, the way to "
                                 "the other nodes: full-size packets across it are fragmented or dropped";
        EXPECT_TRUE(named) << d.describe();
    }
    EXPECT_EQ(diagnose_json("it-ov-client").process.exit_code, 0) << "the link's MTU back to 1500";

    {
        // Services across the two nodes. In host mode, one task on each node (global): each
        // node serves the port itself, and a task's report lists both tasks, one per node.
        // In ingress mode the mesh needs IPVS, which this kernel lacks: no node serves the
        // port, and the task's diagnosis says why.
        const auto connects = [&](const char* address, int port) {
            const std::string script = "import socket\ns = socket.socket()\ns.settimeout(2)\ntry:\n"
                                       "  s.connect(('" + std::string(address) + "', " + std::to_string(port) +
                                       "))\n  print('open')\nexcept Exception as e:\n  print(e)\n";
            const auto out = manager.in_host({"python3", "-c", script}).out;
            return out.substr(0, out.find('\n'));
        };
        const auto task_here = [&](const std::string& service) {
            std::string name;
            eventually([&] {
                const auto ps = manager.docker({"ps", "--filter", "label=com.docker.swarm.service.name=" + service,
                                                "--filter", "status=running", "--format", "{{.Names}}"});
                name = ps.ok() ? ps.out.substr(0, ps.out.find('\n')) : "";
                return !name.empty();
            }, 60s);
            return name;
        };
        const auto host_mode = manager.docker({"service", "create", "-d", "--name", "it-ov-host", "--mode", "global",
                                               "--no-resolve-image", "--publish", "mode=host,published=18620,target=80",
                                               manager.image(), "httpd", "-f", "-p", "80"});
        ASSERT_TRUE(host_mode.ok()) << host_mode.describe();
        EXPECT_TRUE(eventually([&] { return connects(kManagerAddr, 18620) == "open" && connects(kWorkerAddr, 18620) == "open"; },
                               60s))
            << manager.docker({"service", "ps", "--no-trunc", "it-ov-host"}).out;
        const std::string host_task = task_here("it-ov-host");
        ASSERT_FALSE(host_task.empty());
        const auto served = diagnose_json(host_task);
        EXPECT_EQ(served.process.exit_code, 0) << served.describe();
        ASSERT_TRUE(served.json) << served.describe();
        const auto& tasks = served.json->at("service").at("tasks");
        std::set<std::string> nodes;
        for (const auto& t : tasks)
            if (t.value("state", std::string()) == "running") nodes.insert(t.value("node_id", std::string()));
        EXPECT_EQ(nodes.size(), 2u) << "a running task on each node\n" << served.describe();

        if (!std::filesystem::exists("/sys/module/ip_vs")) {
            const auto mesh = manager.docker({"service", "create", "-d", "--name", "it-ov-mesh", "--no-resolve-image",
                                              "--constraint", "node.role==manager", "-p", "18621:80", manager.image(),
                                              "httpd", "-f", "-p", "80"});
            ASSERT_TRUE(mesh.ok()) << mesh.describe();
            const std::string mesh_task = task_here("it-ov-mesh");
            ASSERT_FALSE(mesh_task.empty());
            ASSERT_TRUE(wait_for_container_listener(mesh_task, 80));
            EXPECT_NE(connects(kManagerAddr, 18621), "open");
            EXPECT_NE(connects(kWorkerAddr, 18621), "open") << "the node without the task served the mesh's port";
            EXPECT_TRUE(reports_top_cause(diagnose_json(mesh_task), "swarm.ingress-unavailable", 2));
        }
        manager.docker({"service", "rm", "it-ov-host", "it-ov-mesh"});
    }

    {
        // VXLAN dropped on the way out of the manager.
        HostChange drop(manager, "iptables -I OUTPUT -p udp --dport 4789 -j DROP",
                        "iptables -D OUTPUT -p udp --dport 4789 -j DROP");
        ASSERT_TRUE(drop.result().ok()) << drop.result().describe();
        EXPECT_EQ(http_status(manager, "it-ov-client", web_addr), "") << "the overlay still carried it";

        const auto d = diagnose_json("it-ov-client");
        ASSERT_TRUE(reports_top_cause(d, "swarm.node-ports-blocked", 2));
        const auto cause = cause_with_id(d, "swarm.node-ports-blocked");
        EXPECT_EQ(cause.value("title", std::string()),
                  "swarm port 4789/udp (VXLAN: the overlay networks' traffic) to node 10.232.0.2 is dropped by this "
                  "host's rules: containers on overlay networks cannot reach those on that node")
            << d.describe();
        EXPECT_NE(cause["evidence"].dump().find("udp 10.232.0.1:40000 -> 10.232.0.2:4789 (locally generated): dropped "
                                                "in output by ip filter OUTPUT"),
                  std::string::npos)
            << d.describe();
        EXPECT_NE(cause["evidence"].dump().find("udp dport 4789"), std::string::npos) << d.describe();

        // --to across the overlay: the probe fails, and the blocked port is its reason (no
        // path.unexplained beside it).
        const auto to_blocked = manager.diagnose({"it-ov-client", "--to", "it-ov-web:80", "--format", "json"});
        EXPECT_EQ(to_blocked.cause_ids(), std::vector<std::string>{"swarm.node-ports-blocked"}) << to_blocked.describe();
        EXPECT_EQ(to_blocked.process.exit_code, 2) << to_blocked.describe();
        EXPECT_NE(cause_with_id(to_blocked, "swarm.node-ports-blocked")["evidence"].dump().find(
                      "--to probed " + web_addr + ", on overlay network it-ov"),
                  std::string::npos)
            << to_blocked.describe();

        const auto fix = top_fix_command(d);
        ASSERT_TRUE(fix) << d.describe();
        AppliedFix applied(manager, *fix);
        ASSERT_TRUE(applied.result().ok()) << *fix << ": " << applied.result().describe();
        EXPECT_TRUE(eventually([&] { return http_status(manager, "it-ov-client", web_addr).starts_with("HTTP/1."); }, 30s))
            << "after: " << *fix;
        const auto after = diagnose_json("it-ov-client");
        EXPECT_EQ(after.process.exit_code, 0) << after.describe();
    }

    {
        // Gossip's TCP port dropped on the way into the worker: the manager's rules let it out,
        // its real connection to the worker gets no answer, and its container's diagnosis says so.
        HostChange drop_gossip(worker, "iptables -I INPUT -p tcp --dport 7946 -j DROP",
                               "iptables -D INPUT -p tcp --dport 7946 -j DROP");
        ASSERT_TRUE(drop_gossip.result().ok()) << drop_gossip.result().describe();
        const auto d = diagnose_json("it-ov-client");
        ASSERT_TRUE(reports_top_cause(d, "swarm.node-ports-blocked", 2));
        const auto cause = cause_with_id(d, "swarm.node-ports-blocked");
        EXPECT_EQ(cause.value("title", std::string()),
                  "swarm port 7946/tcp (gossip) to node 10.232.0.2 gets no answer, though this host's rules let it "
                  "out: dropped between the nodes or by node 10.232.0.2's firewall: the nodes do not learn each "
                  "other's tasks and addresses")
            << d.describe();
        EXPECT_EQ(cause.value("confidence", std::string()), "high") << d.describe();
    }

    // VXLAN dropped on the way into the worker: its container's diagnosis names the manager.
    // A worker knows only its managers, and says so.
    HostChange drop_in(worker, "iptables -I INPUT -p udp --dport 4789 -j DROP",
                       "iptables -D INPUT -p udp --dport 4789 -j DROP");
    ASSERT_TRUE(drop_in.result().ok()) << drop_in.result().describe();
    EXPECT_EQ(http_status(manager, "it-ov-client", web_addr), "") << "the overlay still carried it";
    const auto on_worker = worker.diagnose({"it-ov-web", "--format", "json"});
    ASSERT_TRUE(reports_top_cause(on_worker, "swarm.node-ports-blocked", 2));
    EXPECT_EQ(cause_with_id(on_worker, "swarm.node-ports-blocked").value("title", std::string()),
              "swarm port 4789/udp (VXLAN: the overlay networks' traffic) from node 10.232.0.1 is dropped by this "
              "host's rules: containers on overlay networks cannot reach those on that node")
        << on_worker.describe();
    ASSERT_TRUE(on_worker.json);
    EXPECT_NE(on_worker.json->at("notes").dump().find("a worker is told only of its managers"), std::string::npos)
        << on_worker.describe();
}

}  // namespace
}  // namespace dnd::test
