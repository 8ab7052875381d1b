// The fact queries the checks share (facts_query.hpp): the parts fixtures do not pin.
#include <gtest/gtest.h>

#include "docknetdoctor/facts_query.hpp"
#include "docknetdoctor/netfilter_query.hpp"

namespace dnd {
namespace {

Listener listener(std::string address, std::uint16_t port, Proto proto = Proto::tcp) {
    Listener l;
    l.address = std::move(address);
    l.family = l.address.find(':') == std::string::npos ? 4 : 6;
    l.port = port;
    l.proto = proto;
    return l;
}

TEST(FactsQueryHelpers, PublishFlagIsWhatDockerRunAccepts) {
    EXPECT_EQ(publish_flag({80, Proto::tcp}, 8080), "-p 8080:80");
    EXPECT_EQ(publish_flag({53, Proto::udp}, 5353), "-p 5353:53/udp");
    EXPECT_EQ(publish_flag({80, Proto::tcp}, 8080, "127.0.0.1"), "-p 127.0.0.1:8080:80");
    EXPECT_EQ(publish_flag({80, Proto::tcp}, 8080, "::1"), "-p [::1]:8080:80");
}

TEST(FactsQueryHelpers, BindingsEvidenceQuotesTheFieldInEffect) {
    Container c;
    c.port_bindings[{80, Proto::tcp}] = {HostBinding{"", 8080}};
    EXPECT_EQ(bindings_evidence(c, {80, Proto::tcp}), "HostConfig.PortBindings[\"80/tcp\"] = 0.0.0.0:8080");
    c.state.running = true;
    c.ports[{80, Proto::tcp}] = {HostBinding{"0.0.0.0", 8080}, HostBinding{"::", 8080}};
    EXPECT_EQ(bindings_evidence(c, {80, Proto::tcp}), "NetworkSettings.Ports[\"80/tcp\"] = 0.0.0.0:8080, [::]:8080");
    EXPECT_EQ(bindings_evidence(c, {9000, Proto::tcp}), "NetworkSettings.Ports[\"9000/tcp\"] = null");
}

TEST(FactsQueryHelpers, OtherListeningPortsSkipLoopbackOtherProtocolsAndBoundPorts) {
    Container c;
    c.state.running = true;
    c.ports[{80, Proto::tcp}] = {HostBinding{"0.0.0.0", 8080}};
    c.ports[{443, Proto::tcp}] = {HostBinding{"0.0.0.0", 8443}};
    std::vector<Listener> ls = {listener("0.0.0.0", 443),     listener("::", 3000),  listener("0.0.0.0", 3000),
                                listener("127.0.0.1", 9229),  listener("0.0.0.0", 53, Proto::udp),
                                listener("10.0.0.2", 8081)};
    EXPECT_EQ(other_listening_ports(c, ls, {80, Proto::tcp}), (std::vector<std::uint16_t>{3000, 8081}));
    EXPECT_TRUE(other_listening_ports(c, ls, {53, Proto::udp}).empty());
}

NetworkAttachment attachment(std::string name, std::string id) {
    NetworkAttachment a;
    a.network = std::move(name);
    a.network_id = std::move(id);
    return a;
}

NetworkInfo network(std::string name, std::string id, bool internal) {
    NetworkInfo n;
    n.name = std::move(name);
    n.id = std::move(id);
    n.internal = internal;
    return n;
}

TEST(FactsQueryHelpers, InternalOnlyNeedsEveryAttachedNetworkKnownAndInternal) {
    Container c;
    c.networks = {attachment("back", "n1")};
    std::vector<NetworkInfo> nets = {network("back", "n1", true), network("front", "n2", false)};
    EXPECT_TRUE(only_on_internal_networks(c, nets));
    c.networks.push_back(attachment("front", "n2"));
    EXPECT_FALSE(only_on_internal_networks(c, nets));
    c.networks = {attachment("gone", "n9")};
    EXPECT_FALSE(only_on_internal_networks(c, nets)) << "an unknown network is not proof of internal";
    c.networks.clear();
    EXPECT_FALSE(only_on_internal_networks(c, nets));
}

TEST(FactsQueryHelpers, ListenersAreNotJudgedWithoutALiveProcess) {
    Facts f;
    std::vector<std::string> undecided;
    EXPECT_EQ(listeners_to_judge(f, undecided), nullptr);
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided[0], "needs the container (docker-api: not collected)");

    Container c;
    c.state.running = true;
    c.state.restarting = true;
    f.container = c;
    undecided.clear();
    EXPECT_EQ(listeners_to_judge(f, undecided), nullptr);
    EXPECT_TRUE(undecided.empty()) << "a restarting container has no sockets to judge; that is no blind spot";

    f.container->state.restarting = false;
    EXPECT_EQ(listeners_to_judge(f, undecided), nullptr);
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided[0], "needs container_listeners (procfs: not collected)");

    f.container_listeners = std::vector<Listener>{listener("0.0.0.0", 80)};
    const auto* judged = listeners_to_judge(f, undecided);
    ASSERT_NE(judged, nullptr);
    EXPECT_EQ(judged->size(), 1u);
}

// The one gate of the checks about published ports: --to empties the ports in question.
TEST(FactsQueryHelpers, ToLeavesNoPublishedPortInQuestion) {
    Facts f;
    Container c;
    c.state.running = true;
    c.network_mode = "default";
    c.ports[{80, Proto::tcp}] = {HostBinding{"0.0.0.0", 8080}};
    f.container = c;
    EXPECT_EQ(ports_in_question(f), (std::vector<PortKey>{{80, Proto::tcp}}));
    EXPECT_TRUE(has_published_host_port(f));

    f.query.to = "db:5432";
    EXPECT_TRUE(ports_in_question(f).empty());
    EXPECT_FALSE(has_published_host_port(f));
    f.query.port = PortKey{80, Proto::tcp};
    EXPECT_TRUE(ports_in_question(f).empty()) << "--to wins over --port";
}

}  // namespace
}  // namespace dnd
