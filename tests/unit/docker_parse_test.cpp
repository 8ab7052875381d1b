// Parsing of Engine API bodies recorded from docker.io 20.10.24 (fixtures/engine-api/).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/collect/swarm_collect.hpp"

namespace dnd {
namespace {

using testing::read_fixture;

Container inspect(const std::string& name) {
    auto c = parse_container_inspect(read_fixture("engine-api/container-" + name + ".json"));
    EXPECT_TRUE(c) << name << ": " << c.error().message;
    return c.value_or(Container{});
}

constexpr PortKey k80tcp{80, Proto::tcp};

TEST(DockerParse, VersionAndInfo) {
    EngineInfo engine;
    ASSERT_TRUE(parse_version_into(read_fixture("engine-api/version.json"), engine));
    EXPECT_EQ(engine.server_version, "20.10.24+dfsg1");
    ASSERT_TRUE(parse_info_into(read_fixture("engine-api/info.json"), engine));
    EXPECT_EQ(engine.os, "Debian GNU/Linux 12 (bookworm)");
    EXPECT_EQ(engine.kernel_version, "6.18.44-fc-v669");
    EXPECT_EQ(engine.docker_root_dir, "/tmp/dndtry/data");
    EXPECT_EQ(engine.security_options, std::vector<std::string>{"name=seccomp,profile=default"});
    EXPECT_TRUE(engine.warnings.empty());  // recorded as null
}

TEST(DockerParse, InfoOfARootlessEngineKeepsItsSecurityOptions) {
    auto info = nlohmann::json::parse(read_fixture("engine-api/info.json"));
    info["SecurityOptions"] = {"name=seccomp,profile=default", "name=rootless", "name=cgroupns"};
    info["Warnings"] = {"WARNING: bridge-nf-call-iptables is disabled"};
    EngineInfo engine;
    ASSERT_TRUE(parse_info_into(info.dump(), engine));
    ASSERT_TRUE(engine.security_options);
    EXPECT_EQ(engine.security_options->at(1), "name=rootless");
    EXPECT_EQ(engine.warnings, std::vector<std::string>{"WARNING: bridge-nf-call-iptables is disabled"});
}

TEST(DockerParse, ContainerListStripsTheSlash) {
    auto list = parse_container_list(read_fixture("engine-api/containers-list.json"));
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 10u);
    EXPECT_EQ(list->back().names, std::vector<std::string>{"web"});
    EXPECT_EQ(list->back().id, "a21c4ad64fafcd3a169f6b653f90a0d70f69add37f8b0a09c9feeb944ce73a3f");
}

// Ports[]: the host ports each container publishes, for --all to know whose owners to name.
TEST(DockerParse, ContainerListNamesThePublishedHostPorts) {
    auto list = parse_container_list(read_fixture("engine-api/containers-list.json"));
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_TRUE(list->front().published.empty());  // created, nothing bound
    EXPECT_EQ((*list)[1].published, (std::vector<PortKey>{{8083, Proto::tcp}, {8083, Proto::tcp}}));  // 9000: exposed only
    EXPECT_EQ((*list)[2].published,
              (std::vector<PortKey>{{5353, Proto::udp}, {5353, Proto::udp}, {8082, Proto::tcp}}));

    auto sctp = parse_container_list(R"([{"Id":"a","Ports":[{"PrivatePort":9,"PublicPort":9,"Type":"sctp"}]}])");
    ASSERT_TRUE(sctp) << sctp.error().message;
    EXPECT_TRUE(sctp->front().published.empty());  // not a protocol this tool follows
    EXPECT_EQ(parse_container_list(R"([{"Id":"a","Ports":[{"PublicPort":70000,"Type":"tcp"}]}])").error().message,
              "[0].Ports[0]: '70000/tcp' is not a port like 80/tcp");
    EXPECT_EQ(parse_container_list(R"([{"Id":"a","Ports":{}}])").error().message,
              "[0].Ports: expected an array, got object");
}

TEST(DockerParse, RunningPublishedContainer) {
    auto c = inspect("web");
    EXPECT_EQ(c.id, "a21c4ad64fafcd3a169f6b653f90a0d70f69add37f8b0a09c9feeb944ce73a3f");
    EXPECT_EQ(c.name, "web");
    EXPECT_EQ(c.image, "dnd-busybox:1");
    EXPECT_EQ(c.created, "2026-11-28T14:26:19.182113729Z");
    EXPECT_EQ(c.state.status, "running");
    EXPECT_TRUE(c.state.running);
    EXPECT_EQ(c.state.pid, 2927);
    EXPECT_FALSE(c.state.health);
    EXPECT_EQ(c.restart_policy, "no");
    EXPECT_EQ(c.network_mode, "default");
    // Asked for: -p 8080:80 (any address); in effect: IPv4 and IPv6 wildcards.
    ASSERT_EQ(c.port_bindings.at(k80tcp).size(), 1u);
    EXPECT_EQ(c.port_bindings.at(k80tcp)[0].host_ip, "");
    EXPECT_EQ(c.port_bindings.at(k80tcp)[0].host_port, 8080);
    ASSERT_EQ(c.ports.at(k80tcp).size(), 2u);
    EXPECT_EQ(c.ports.at(k80tcp)[0].host_ip, "0.0.0.0");
    EXPECT_EQ(c.ports.at(k80tcp)[1].host_ip, "::");
    EXPECT_EQ(c.ports.at(k80tcp)[1].host_port, 8080);
    EXPECT_EQ(c.exposed_ports, std::vector<PortKey>{k80tcp});
    ASSERT_EQ(c.networks.size(), 1u);
    EXPECT_EQ(c.networks[0].network, "bridge");
    EXPECT_EQ(c.networks[0].network_id, "0a09b8327b9ac2e3016dda89f9cbfaba8b97a50898be01269aca7b7f080bcae9");
    EXPECT_EQ(c.networks[0].ip_address, "172.17.0.2");
    EXPECT_EQ(c.networks[0].ip_prefix_len, 16);
    EXPECT_EQ(c.networks[0].gateway, "172.17.0.1");
    EXPECT_TRUE(c.networks[0].aliases.empty());
    EXPECT_TRUE(c.labels.empty());
    EXPECT_TRUE(c.extra_hosts.empty());
}

TEST(DockerParse, ExposedButUnpublishedPortIsAnEmptyBindingList) {
    auto c = inspect("exposed");
    const PortKey k9000{9000, Proto::tcp};
    ASSERT_TRUE(c.ports.contains(k9000));  // recorded as "9000/tcp": null
    EXPECT_TRUE(c.ports.at(k9000).empty());
    EXPECT_EQ(c.ports.at(k80tcp).at(0).host_port, 8083);
    EXPECT_EQ(c.exposed_ports, (std::vector<PortKey>{k80tcp, k9000}));
    EXPECT_FALSE(c.port_bindings.contains(k9000));
}

TEST(DockerParse, LoopbackAndUdpBindings) {
    auto c = inspect("loopback");
    EXPECT_EQ(c.port_bindings.at(k80tcp).at(0).host_ip, "127.0.0.1");
    ASSERT_EQ(c.ports.at(k80tcp).size(), 1u);
    EXPECT_EQ(c.ports.at(k80tcp)[0].host_ip, "127.0.0.1");
    EXPECT_EQ(c.ports.at(k80tcp)[0].host_port, 8082);
    const PortKey k53udp{53, Proto::udp};
    EXPECT_EQ(c.ports.at(k53udp).size(), 2u);
    EXPECT_EQ(c.ports.at(k53udp)[0].host_port, 5353);
}

TEST(DockerParse, ExitedContainer) {
    auto c = inspect("exited");
    EXPECT_EQ(c.name, "dnd-rec-exited");
    EXPECT_EQ(c.state.status, "exited");
    EXPECT_FALSE(c.state.running);
    EXPECT_EQ(c.state.exit_code, 3);
    EXPECT_EQ(c.state.pid, 0);
    EXPECT_TRUE(c.ports.empty());
    EXPECT_TRUE(c.exposed_ports.empty());  // Config.ExposedPorts recorded as null
    EXPECT_EQ(c.networks.at(0).ip_address, "");
}

TEST(DockerParse, RestartingContainer) {
    auto c = inspect("restarting");
    EXPECT_EQ(c.state.status, "restarting");
    EXPECT_TRUE(c.state.restarting);
    EXPECT_TRUE(c.state.running);  // the engine reports both while it waits to restart
    EXPECT_EQ(c.state.pid, 0);
    EXPECT_EQ(c.state.exit_code, 1);
    EXPECT_EQ(c.restart_count, 7);
    EXPECT_EQ(c.restart_policy, "always");
}

// Caught in a run of a crash loop: the engine reads ExitCode 0 while it runs.
TEST(DockerParse, CrashLoopInARunAndBetweenRuns) {
    auto running = inspect("crashloop-running");
    EXPECT_EQ(running.state.status, "running");
    EXPECT_FALSE(running.state.restarting);
    EXPECT_EQ(running.state.exit_code, 0);
    EXPECT_EQ(running.restart_count, 3);
    EXPECT_EQ(running.state.started_at, "2026-12-02T05:39:14.54410177Z");
    EXPECT_FALSE(running.tty);
    auto waiting = inspect("crashloop-restarting");
    EXPECT_TRUE(waiting.state.restarting);
    EXPECT_EQ(waiting.state.exit_code, 3);
    EXPECT_EQ(waiting.restart_count, 4);
}

TEST(DockerParse, ContainerEventsOneObjectALine) {
    auto events = parse_container_events(read_fixture("engine-api/events-crashloop.ndjson"));
    ASSERT_TRUE(events) << events.error().message;
    ASSERT_EQ(events->size(), 10u);
    EXPECT_EQ((*events)[0].action, "start");
    EXPECT_EQ((*events)[0].time, "2026-12-02T05:39:03.690805366Z");  // from timeNano
    EXPECT_FALSE((*events)[0].exit_code);
    EXPECT_EQ((*events)[1].action, "die");
    EXPECT_EQ((*events)[1].exit_code, 3);
    EXPECT_TRUE(parse_container_events("")->empty());  // nothing happened in the window

    auto bad = parse_container_events(R"({"Action":"die","timeNano":1,"Actor":{"Attributes":{"exitCode":"x"}}})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("event[0].Actor.Attributes.exitCode"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(parse_container_events(R"({"Action":"die"})"));  // no time
}

// An event time in seconds past what the nanosecond clock holds (found by fuzzing: the
// conversion overflowed) is malformed, not undefined behaviour; the edge still parses.
TEST(DockerParse, EventTimeOutsideTheClocksRangeIsMalformed) {
    auto far = parse_container_events(R"({"Action":"die","time":17990805366,"Actor":{"Attributes":{}}})");
    ASSERT_FALSE(far);
    EXPECT_NE(far.error().message.find("event[0].time: 17990805366 is out of range"), std::string::npos)
        << far.error().message;
    EXPECT_FALSE(parse_container_events(R"({"Action":"die","time":-17990805366,"Actor":{"Attributes":{}}})"));
    auto edge = parse_container_events(R"({"Action":"die","time":9223372036,"Actor":{"Attributes":{}}})");
    ASSERT_TRUE(edge) << edge.error().message;
    EXPECT_EQ(edge->at(0).time, "2262-04-11T23:47:16.000000000Z");
}

TEST(DockerParse, LogTailFromTheMultiplexedStream) {
    auto lines = parse_log_tail(read_fixture("engine-api/logs-crashloop.multiplexed"), true, 3);
    ASSERT_TRUE(lines) << lines.error().message;
    EXPECT_EQ(*lines, (std::vector<std::string>{"fatal: no config file at /etc/app.conf",
                                                "fatal: no config file at /etc/app.conf", "starting"}));
    auto last = parse_log_tail(read_fixture("engine-api/logs-crashloop.multiplexed"), true, 1);
    ASSERT_TRUE(last);
    EXPECT_EQ(*last, std::vector<std::string>{"starting"});

    auto cut = read_fixture("engine-api/logs-crashloop.multiplexed");
    cut.pop_back();
    EXPECT_FALSE(parse_log_tail(cut, true, 3));
    EXPECT_FALSE(parse_log_tail("fatal: plain text is no frame\n", true, 3));
}

TEST(DockerParse, LogTailOfATtyIsRawTextWithLongLinesCut) {
    const std::string long_line(kLogLineMaxChars + 50, 'x');
    auto lines = parse_log_tail("one\r\n\r\ntwo\r\n" + long_line + "\n", false, 5);
    ASSERT_TRUE(lines);
    ASSERT_EQ(lines->size(), 3u);
    EXPECT_EQ((*lines)[0], "one");
    EXPECT_EQ((*lines)[1], "two");
    EXPECT_EQ((*lines)[2], std::string(kLogLineMaxChars, 'x') + "...");
}

TEST(DockerParse, UnhealthyContainerKeepsTheLastProbe) {
    auto c = inspect("unhealthy");
    ASSERT_TRUE(c.state.health);
    EXPECT_EQ(c.state.health->status, "unhealthy");
    EXPECT_EQ(c.state.health->failing_streak, 9);
    EXPECT_EQ(c.state.health->last_exit_code, 1);
    EXPECT_TRUE(c.state.health->last_output.starts_with("nc: invalid option -- 'z'\n"));
}

TEST(DockerParse, PortClashLeavesTheStateError) {
    auto c = inspect("portclash");
    EXPECT_EQ(c.state.status, "created");
    EXPECT_TRUE(c.state.error.ends_with("Bind for 0.0.0.0:8080 failed: port is already allocated"));
    EXPECT_EQ(c.port_bindings.at(k80tcp).at(0).host_port, 8080);
    EXPECT_TRUE(c.ports.empty());
}

TEST(DockerParse, HostNoneAndInternalNetworkModes) {
    auto host = inspect("host");
    EXPECT_EQ(host.network_mode, "host");
    EXPECT_EQ(host.networks.at(0).network, "host");
    auto none = inspect("none");
    EXPECT_EQ(none.network_mode, "none");
    auto internal = inspect("internal");
    EXPECT_EQ(internal.network_mode, "dnd-rec-internal");
    EXPECT_EQ(internal.networks.at(0).aliases, std::vector<std::string>{"24752a46529a"});
    EXPECT_EQ(internal.exposed_ports, (std::vector<PortKey>{{9000, Proto::tcp}}));
}

TEST(DockerParse, Networks) {
    auto bridge = parse_network_inspect(read_fixture("engine-api/network-bridge.json"));
    ASSERT_TRUE(bridge) << bridge.error().message;
    EXPECT_EQ(bridge->name, "bridge");
    EXPECT_EQ(bridge->driver, "bridge");
    EXPECT_EQ(bridge->scope, "local");
    EXPECT_FALSE(bridge->internal);
    EXPECT_EQ(bridge->options.at("com.docker.network.bridge.enable_icc"), "true");
    EXPECT_EQ(bridge->options.at("com.docker.network.bridge.name"), "docker0");
    EXPECT_EQ(bridge->subnets, std::vector<std::string>{"172.17.0.0/16"});
    EXPECT_TRUE(bridge->gateways.empty());  // the default bridge records no IPAM gateway

    auto internal = parse_network_inspect(read_fixture("engine-api/network-internal.json"));
    ASSERT_TRUE(internal) << internal.error().message;
    EXPECT_TRUE(internal->internal);
    EXPECT_EQ(internal->gateways, std::vector<std::string>{"172.18.0.1"});

    auto host = parse_network_inspect(read_fixture("engine-api/network-host.json"));
    ASSERT_TRUE(host) << host.error().message;
    EXPECT_EQ(host->driver, "host");
    EXPECT_TRUE(host->subnets.empty());
}

TEST(DockerParse, ErrorBodyMessage) {
    EXPECT_EQ(parse_error_message(read_fixture("engine-api/error-no-such-container.json")),
              "No such container: nosuch");
    EXPECT_EQ(parse_error_message("<html>bad gateway</html>"), "");
    EXPECT_EQ(parse_error_message(R"({"message": "two\nlines"})"), "two lines");
}

TEST(DockerParse, GarbageAndTruncatedBodiesAreErrorsNotCrashes) {
    const std::string body = read_fixture("engine-api/container-web.json");
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, body.size() / 3, body.size() / 2, body.size() - 3}) {
        auto r = parse_container_inspect(body.substr(0, cut));
        ASSERT_FALSE(r) << "cut at " << cut;
        EXPECT_EQ(r.error().source, "docker-api");
        EXPECT_TRUE(r.error().message.starts_with("not JSON: ")) << r.error().message;
        EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    }
    EXPECT_EQ(parse_container_inspect("[]").error().message, "body: expected an object, got array");
    EXPECT_EQ(parse_container_inspect("{}").error().message, "Id: missing or not a non-empty string");
    EXPECT_EQ(parse_container_list("{}").error().message, "body: expected an array, got object");
    EXPECT_EQ(parse_network_inspect("null").error().message, "body: expected an object, got null");
    EngineInfo engine;
    EXPECT_EQ(parse_version_into("\x01\xff garbage", engine).error().message.substr(0, 10), "not JSON: ");
    EXPECT_EQ(parse_info_into(R"({"SecurityOptions": "name=rootless"})", engine).error().message,
              "SecurityOptions: expected an array, got string");
}

TEST(DockerParse, WrongTypesNameTheField) {
    auto body = nlohmann::json::parse(read_fixture("engine-api/container-web.json"));
    auto with = [&](const nlohmann::json::json_pointer& ptr, nlohmann::json value) {
        auto copy = body;
        copy[ptr] = std::move(value);
        auto r = parse_container_inspect(copy.dump());
        return r ? std::string("parsed") : r.error().message;
    };
    using ptr = nlohmann::json::json_pointer;
    EXPECT_EQ(with(ptr("/State/Pid"), "2927"), "State.Pid: expected an integer, got string");
    EXPECT_EQ(with(ptr("/State"), nullptr), "State: expected an object, got null");
    EXPECT_EQ(with(ptr("/NetworkSettings/Ports/80~1tcp/0/HostPort"), 8080),
              "NetworkSettings.Ports.80/tcp[0].HostPort: expected a string, got number");
    EXPECT_EQ(with(ptr("/NetworkSettings/Ports/80~1tcp/0/HostPort"), "http"),
              "NetworkSettings.Ports.80/tcp[0].HostPort: 'http' is not a port number");
    EXPECT_EQ(with(ptr("/NetworkSettings/Ports/80~1tcp"), "8080"),
              "NetworkSettings.Ports.80/tcp: expected an array or null, got string");
    EXPECT_EQ(with(ptr("/NetworkSettings/Ports/eighty~1tcp"), nullptr),
              "NetworkSettings.Ports.eighty/tcp: 'eighty/tcp' is not a port like 80/tcp");
    EXPECT_EQ(with(ptr("/State/Health"), nlohmann::json{{"Status", "starting"}, {"FailingStreak", 0}, {"Log", nullptr}}),
              "parsed");
    EXPECT_EQ(with(ptr("/NetworkSettings/Ports/132~1sctp"), nullptr), "parsed");  // not diagnosed, not an error
    EXPECT_EQ(with(ptr("/HostConfig/PortBindings/80~1tcp/0/HostPort"), "8000-8010"), "parsed");
}

// A Swarm service as the engine reports it (fixtures/engine-api/service-*.json).
TEST(DockerParse, ServicePortsAndTheirMode) {
    auto ingress = parse_service_inspect(read_fixture("engine-api/service-ingress.json"));
    ASSERT_TRUE(ingress) << ingress.error().message;
    EXPECT_EQ(ingress->id, "2xu7ao1196kvvyvwuv89ov52l");
    EXPECT_EQ(ingress->name, "svc1");
    ASSERT_TRUE(ingress->ports);
    ASSERT_EQ(ingress->ports->size(), 1u);
    EXPECT_EQ(ingress->ports->front().target, k80tcp);
    EXPECT_EQ(ingress->ports->front().published, 18600);
    EXPECT_EQ(ingress->ports->front().mode, "ingress");
    auto host = parse_service_inspect(read_fixture("engine-api/service-host-mode.json"));
    ASSERT_TRUE(host) << host.error().message;
    EXPECT_EQ(host->ports->front().mode, "host");
    EXPECT_EQ(host->ports->front().published, 18601);

    // Before the swarm assigns them, the ports are only in the spec.
    auto spec_only = parse_service_inspect(
        R"({"ID":"x1","Spec":{"Name":"s","EndpointSpec":{"Ports":[{"Protocol":"udp","TargetPort":53,"PublishedPort":5353}]}}})");
    ASSERT_TRUE(spec_only) << spec_only.error().message;
    EXPECT_EQ(spec_only->ports->front().target, (PortKey{53, Proto::udp}));
    EXPECT_EQ(spec_only->ports->front().mode, "ingress");
    auto bad = parse_service_inspect(R"({"ID":"x1","Endpoint":{"Ports":[{"TargetPort":80,"PublishedPort":70000}]}})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "Endpoint.Ports[0].PublishedPort: 70000 is not a port");
    EXPECT_FALSE(parse_service_inspect(R"({"Spec":{}})"));
}

// A service's tasks as the engine lists them (fixtures/engine-api/tasks-rejected.json: an
// image that does not exist, retried).
TEST(DockerParse, ServiceTasksWithTheirStatesAndErrors) {
    auto tasks = parse_task_list(read_fixture("engine-api/tasks-rejected.json"));
    ASSERT_TRUE(tasks) << tasks.error().message;
    ASSERT_EQ(tasks->size(), 3u);
    const SwarmTask& newest = tasks->front();
    EXPECT_EQ(newest.id, "jlphwyj2vk2zvs5w6tiefsv0n");
    EXPECT_EQ(newest.slot, 1);
    EXPECT_EQ(newest.node_id, "pmluyki4ikhykns9raxw4m4d9");
    EXPECT_EQ(newest.desired_state, "ready");
    EXPECT_EQ(newest.state, "rejected");
    EXPECT_EQ(newest.error, "No such image: nope:1");
    EXPECT_TRUE(is_wanted(newest));
    EXPECT_FALSE(is_wanted((*tasks)[1])) << (*tasks)[1].desired_state;

    EXPECT_TRUE(parse_task_list("[]"));
    auto no_id = parse_task_list(R"([{"Status":{"State":"running"}}])");
    ASSERT_FALSE(no_id);
    EXPECT_EQ(no_id.error().message, "[0].ID: missing or not a non-empty string");
    auto not_a_list = parse_task_list(R"({"message":"This node is not a swarm manager."})");
    ASSERT_FALSE(not_a_list);
    EXPECT_NE(not_a_list.error().message.find("an array"), std::string::npos) << not_a_list.error().message;
    EXPECT_FALSE(parse_task_list(R"([{"ID":"t1","Slot":"one"}])"));
}

// A manager's /info (fixtures/engine-api/info-swarm-manager.json, two nodes): itself, its
// address, the cluster's data path port; the others come from /nodes.
TEST(DockerParse, SwarmMembershipOfAManager) {
    auto m = parse_swarm_info(read_fixture("engine-api/info-swarm-manager.json"));
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_TRUE(*m);
    EXPECT_EQ((*m)->node_id, "hpo65ulqcmsjz4nx1c1c447fj");
    EXPECT_EQ((*m)->node_addr, "10.232.0.1");
    EXPECT_TRUE((*m)->manager);
    EXPECT_EQ((*m)->data_path_port, 4789);
    EXPECT_TRUE((*m)->data_path_port_known);
    ASSERT_TRUE((*m)->nodes);
    EXPECT_TRUE((*m)->nodes->empty()) << "its only remote manager is itself";

    auto nodes = parse_node_list(read_fixture("engine-api/nodes-two.json"), (*m)->node_id);
    ASSERT_TRUE(nodes) << nodes.error().message;
    ASSERT_EQ(nodes->size(), 1u);
    EXPECT_EQ(nodes->front().id, "inn1rrndp76zde924mbzgotl9");
    EXPECT_EQ(nodes->front().addr, "10.232.0.2");
    EXPECT_FALSE(nodes->front().manager);
    EXPECT_EQ(nodes->front().state, "ready");
    EXPECT_EQ(nodes->front().hostname, "vm");
}

// A worker's /info (info-swarm-worker.json): no cluster part, its managers only.
TEST(DockerParse, SwarmMembershipOfAWorker) {
    auto m = parse_swarm_info(read_fixture("engine-api/info-swarm-worker.json"));
    ASSERT_TRUE(m && *m);
    EXPECT_FALSE((*m)->manager);
    EXPECT_FALSE((*m)->data_path_port_known);
    EXPECT_EQ((*m)->data_path_port, 4789);
    ASSERT_TRUE((*m)->nodes);
    ASSERT_EQ((*m)->nodes->size(), 1u);
    EXPECT_EQ((*m)->nodes->front().addr, "10.232.0.1") << "the port of 10.232.0.1:2377 goes";
    EXPECT_TRUE((*m)->nodes->front().manager);
}

// Outside a swarm (fixtures/engine-api/info.json), a manager at an IPv6 address, a port out of range.
TEST(DockerParse, SwarmMembershipEdges) {
    auto none = parse_swarm_info(read_fixture("engine-api/info.json"));
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    auto v6 = parse_swarm_info(R"({"Swarm":{"LocalNodeState":"active","NodeID":"w","NodeAddr":"fd00::2",)"
                               R"("RemoteManagers":[{"NodeID":"m","Addr":"[fd00::1]:2377"}]}})");
    ASSERT_TRUE(v6 && *v6);
    EXPECT_EQ((*v6)->nodes->front().addr, "fd00::1");
    auto bad = parse_swarm_info(R"({"Swarm":{"LocalNodeState":"active","Cluster":{"DataPathPort":70000}}})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "Swarm.Cluster.DataPathPort: 70000 is not a port");
    EXPECT_FALSE(parse_node_list(R"({"message":"This node is not a swarm manager."})", "x"));
}

}  // namespace
}  // namespace dnd
