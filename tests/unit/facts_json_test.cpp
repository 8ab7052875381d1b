#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {
namespace {

TEST(FactsJson, RoundTripKeepsValuesAndErrors) {
    Facts f;
    f.tool_version = "0.1.0";
    f.query.container = "web";
    f.query.port = PortKey{80, Proto::tcp};
    f.query.direct = true;
    Container c;
    c.id = "abc";
    c.name = "web";
    c.state.status = "running";
    c.state.running = true;
    c.state.health = Health{"unhealthy", 3, 1, "curl: (7) refused"};
    c.ports[PortKey{80, Proto::tcp}] = {HostBinding{"0.0.0.0", 8080}};
    c.ports[PortKey{53, Proto::udp}] = {};
    f.container = c;
    f.host_listeners = fail("procfs", "permission denied");

    auto text = facts_to_json(f).dump();
    auto back = facts_from_json_text(text);
    ASSERT_TRUE(back.has_value()) << back.error().message;
    ASSERT_TRUE(back->container.has_value());
    EXPECT_EQ(back->container->ports.at(PortKey{80, Proto::tcp}).at(0).host_port, 8080);
    EXPECT_TRUE(back->container->ports.at(PortKey{53, Proto::udp}).empty());
    EXPECT_EQ(back->container->state.health->last_output, "curl: (7) refused");
    ASSERT_FALSE(back->host_listeners.has_value());
    EXPECT_EQ(back->host_listeners.error().message, "permission denied");
    EXPECT_EQ(back->query.port->str(), "80/tcp");
    EXPECT_TRUE(back->query.direct);
    EXPECT_EQ(facts_to_json(*back), facts_to_json(f));
}

// A Swarm task's service, and what could not be read of it, come back as saved.
TEST(FactsJson, RoundTripKeepsASwarmTasksService) {
    Facts f;
    f.query.container = "svc1.1.qi1zfpqyq0ymnsoti7z16qlam";
    SwarmService s;
    s.id = "2xu7ao1196kvvyvwuv89ov52l";
    s.name = "svc1";
    s.ports = std::vector<ServicePort>{{PortKey{80, Proto::tcp}, 18600, "ingress"}, {PortKey{53, Proto::udp}, 5353, "host"}};
    s.kernel_has_ipvs = fail("sysfs", "cannot look at /sys/module/ip_vs: Permission denied");
    f.swarm_service = s;
    auto back = facts_from_json_text(facts_to_json(f).dump());
    ASSERT_TRUE(back.has_value()) << back.error().message;
    ASSERT_TRUE(back->swarm_service);
    EXPECT_EQ(back->swarm_service->name, "svc1");
    ASSERT_TRUE(back->swarm_service->ports);
    ASSERT_EQ(back->swarm_service->ports->size(), 2u);
    EXPECT_EQ(back->swarm_service->ports->at(1).target, (PortKey{53, Proto::udp}));
    EXPECT_EQ(back->swarm_service->ports->at(0).mode, "ingress");
    EXPECT_EQ(back->swarm_service->ports->at(0).published, 18600);
    ASSERT_FALSE(back->swarm_service->kernel_has_ipvs);
    EXPECT_EQ(back->swarm_service->kernel_has_ipvs.error().source, "sysfs");
    EXPECT_EQ(facts_to_json(*back), facts_to_json(f));
    EXPECT_FALSE(facts_from_json_text(facts_to_json(Facts{}).dump())->swarm_service);  // not a task
}

// The routing mesh read from ingress_sbox replays as read: its IPVS table and a part that
// could not be read.
TEST(FactsJson, RoundTripKeepsTheRoutingMesh) {
    Facts f;
    SwarmService s;
    s.name = "svc1";
    s.kernel_has_ipvs = true;
    RoutingMesh mesh;
    mesh.sandbox = "/var/run/docker/netns/ingress_sbox";
    mesh.nftables = nf::Ruleset{};
    mesh.iptables_legacy = fail("iptables-legacy", "permission denied");
    IpvsService fwm;
    fwm.fwmark = 256;
    fwm.scheduler = "rr";
    fwm.destinations = {{"10.255.0.6", 0, 1, 2, 3}, {"10.255.0.7", 0, 0, 0, 0}};
    mesh.ipvs = std::vector<IpvsService>{fwm};
    s.mesh = mesh;
    f.swarm_service = s;
    auto back = facts_from_json_text(facts_to_json(f).dump());
    ASSERT_TRUE(back.has_value()) << back.error().message;
    ASSERT_TRUE(back->swarm_service && back->swarm_service->mesh);
    const RoutingMesh& m = *back->swarm_service->mesh;
    EXPECT_EQ(m.sandbox, "/var/run/docker/netns/ingress_sbox");
    ASSERT_TRUE(m.ipvs);
    ASSERT_EQ(m.ipvs->size(), 1u);
    EXPECT_EQ(m.ipvs->front().fwmark, 256u);
    ASSERT_EQ(m.ipvs->front().destinations.size(), 2u);
    EXPECT_EQ(m.ipvs->front().destinations[0].active_connections, 2u);
    EXPECT_EQ(m.ipvs->front().destinations[1].weight, 0u);
    EXPECT_FALSE(m.iptables_legacy);
    EXPECT_EQ(facts_to_json(*back), facts_to_json(f));
}

TEST(FactsJson, RoundTripKeepsTheConntrackEntriesToThePublishedPorts) {
    Facts f;
    f.query.container = "dns";
    ConntrackEntry e;
    e.proto = Proto::udp;
    e.orig_src = "10.231.205.2";
    e.orig_dst = "10.231.205.1";
    e.orig_sport = 40555;
    e.orig_dport = 8170;
    e.reply_src = "10.231.205.1";
    e.reply_dst = "10.231.205.2";
    e.reply_sport = 8170;
    e.reply_dport = 40555;
    e.timeout = 29;
    f.conntrack = std::vector<ConntrackEntry>{e};
    auto back = facts_from_json_text(facts_to_json(f).dump());
    ASSERT_TRUE(back.has_value()) << back.error().message;
    ASSERT_TRUE(back->conntrack && *back->conntrack);
    ASSERT_EQ((*back->conntrack)->size(), 1u);
    EXPECT_EQ((*back->conntrack)->front().orig_dport, 8170);
    EXPECT_FALSE((*back->conntrack)->front().translated());
    EXPECT_EQ(facts_to_json(*back), facts_to_json(f));

    f.conntrack = fail("conntrack", "permission denied reading the conntrack table (needs CAP_NET_ADMIN)");
    back = facts_from_json_text(facts_to_json(f).dump());
    ASSERT_TRUE(back && back->conntrack);
    EXPECT_EQ(back->conntrack->error().message, "permission denied reading the conntrack table (needs CAP_NET_ADMIN)");
    EXPECT_FALSE(facts_from_json_text(facts_to_json(Facts{}).dump())->conntrack) << "not asked stays not asked";

    f.conntrack = std::vector<ConntrackEntry>(kMaxConntrackEntries + 1, e);  // more to one port than a collection keeps
    EXPECT_FALSE(facts_from_json_text(facts_to_json(f).dump()));
}

TEST(FactsJson, MalformedInputIsAnErrorNotACrash) {
    for (const char* text : {"", "{", "[]", "{\"schema_version\": \"x\"}", "{\"schema_version\": 1}",
                             "{\"schema_version\": 99, \"query\": {}}",
                             "{\"schema_version\": 1, \"query\": {\"port\": \"99999/tcp\"}}"}) {
        auto r = facts_from_json_text(text);
        EXPECT_FALSE(r.has_value()) << text;
        if (!r) {
            EXPECT_EQ(r.error().source, "facts-file");
        }
    }
}

// A value the model has no name for (a typo, a newer or hostile file) is an error naming it:
// never the enum's first value (an unknown verdict read as accept, a hook as prerouting).
TEST(FactsJson, AnUnknownEnumValueIsAnErrorNotTheFirstValue) {
    const std::string fixture = std::string(DND_SOURCE_DIR) + "/fixtures/checks/nf_docker_user_drop/facts.json";
    std::ifstream in(fixture);
    nlohmann::json facts = nlohmann::json::parse(in);
    ASSERT_TRUE(facts_from_json_text(facts.dump()));
    bool changed = false;
    std::function<void(nlohmann::json&)> rename = [&](nlohmann::json& j) {
        if (changed) return;
        if (j.is_object()) {
            if (auto it = j.find("kind"); it != j.end() && it->is_string() && *it == "drop") {
                *it = "dorp";
                changed = true;
                return;
            }
            for (auto& [key, value] : j.items()) rename(value);
        } else if (j.is_array()) {
            for (auto& value : j) rename(value);
        }
    };
    rename(facts["host"]);
    ASSERT_TRUE(changed);
    auto loaded = facts_from_json_text(facts.dump());
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().message.find("unknown Verdict::Kind value \"dorp\""), std::string::npos)
        << loaded.error().message;
}

}  // namespace
}  // namespace dnd
