#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "docknetdoctor/model/facts.hpp"

namespace dnd {
namespace {

TEST(FactsJson, RoundTripKeepsValuesAndErrors) {
    Facts f;
    f.tool_version = "0.1.0";
    f.query.container = "web";
    f.query.port = PortKey{80, Proto::tcp};
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
    EXPECT_EQ(facts_to_json(*back), facts_to_json(f));
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

}  // namespace
}  // namespace dnd
