// The fact queries the checks share (facts_query.hpp): the parts fixtures do not pin.
#include <gtest/gtest.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/path/netfilter_query.hpp"

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

Listener owned_listener(std::string address, std::uint16_t port, int pid, std::string cgroup) {
    Listener l = listener(std::move(address), port);
    l.owners.push_back(SocketOwner{pid, "app", std::move(cgroup)});
    return l;
}

// Host network mode: the host's listeners are the container's too; the app's are those its
// processes own (its main process, or any process in the cgroup named after its id).
TEST(FactsQueryHelpers, HostNetworkAppListenersAreThoseOfTheContainersProcesses) {
    Container c;
    c.id = "c8e13c9e105e0b05f95f84e74077956fd1ae2d69df5a405840af8c3856428306";
    c.network_mode = "host";
    c.state.running = true;
    c.state.pid = 4699;
    const std::vector<Listener> host{
        owned_listener("0.0.0.0", 22, 611, "/system.slice/ssh.service"),
        owned_listener("0.0.0.0", 80, 4699, ""),
        owned_listener("::", 8081, 4712, "/docker/" + c.id),
        owned_listener("0.0.0.0", 9000, 5000, "/system.slice/docker-" + c.id + ".scope"),
        listener("0.0.0.0", 2049),  // the kernel's (nfsd): no owner
    };
    std::vector<std::uint16_t> ports;
    for (const Listener& l : app_listeners(c, host)) ports.push_back(l.port);
    EXPECT_EQ(ports, (std::vector<std::uint16_t>{80, 8081, 9000}));

    c.network_mode = "bridge";
    EXPECT_EQ(app_listeners(c, host).size(), host.size());  // its own netns: all of them are its
}

TEST(FactsQueryHelpers, HostNetworkClientBindingsAreTheAppsOwnSockets) {
    Facts f;
    Container c;
    c.id = "c8e13c9e105e0b05f95f84e74077956fd1ae2d69df5a405840af8c3856428306";
    c.network_mode = "host";
    c.state.running = true;
    c.state.pid = 4699;
    f.container = c;
    f.container_listeners = std::vector<Listener>{owned_listener("::", 8081, 4699, ""),
                                                  owned_listener("127.0.0.1", 8082, 4699, ""),
                                                  owned_listener("0.0.0.0", 22, 611, "/system.slice/ssh.service")};
    auto ips = [&](std::uint16_t port) {
        std::vector<std::string> out;
        for (const HostBinding& b : client_bindings(f, {port, Proto::tcp})) {
            EXPECT_EQ(b.host_port, port);
            out.push_back(b.host_ip);
        }
        return out;
    };
    EXPECT_EQ(ips(8081), (std::vector<std::string>{"0.0.0.0", "::"}));  // :: takes IPv4 too
    EXPECT_TRUE(ips(8082).empty());  // loopback only: no client from elsewhere is sent there
    EXPECT_TRUE(ips(22).empty());    // the host's sshd, not the app
    EXPECT_EQ(ports_in_question(f), (std::vector<PortKey>{{8081, Proto::tcp}, {8082, Proto::tcp}}));
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
    EXPECT_FALSE(listeners_to_judge(f, undecided).has_value());
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided[0], "needs the container (docker-api: not collected)");

    Container c;
    c.state.running = true;
    c.state.restarting = true;
    f.container = c;
    undecided.clear();
    EXPECT_FALSE(listeners_to_judge(f, undecided).has_value());
    EXPECT_TRUE(undecided.empty()) << "a restarting container has no sockets to judge; that is no blind spot";

    f.container->state.restarting = false;
    EXPECT_FALSE(listeners_to_judge(f, undecided).has_value());
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_EQ(undecided[0], "needs container_listeners (procfs: not collected)");

    f.container_listeners = std::vector<Listener>{listener("0.0.0.0", 80)};
    const auto judged = listeners_to_judge(f, undecided);
    ASSERT_TRUE(judged.has_value());
    EXPECT_EQ(judged->size(), 1u);

    // Host network: with no owner read at all, the app's sockets cannot be told from the host's.
    f.container->network_mode = "host";
    undecided.clear();
    EXPECT_FALSE(listeners_to_judge(f, undecided).has_value());
    ASSERT_EQ(undecided.size(), 1u);
    EXPECT_NE(undecided[0].find("to tell the container's from the host's"), std::string::npos) << undecided[0];
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
