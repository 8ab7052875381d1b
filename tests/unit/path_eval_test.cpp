// The packet-path evaluator on recorded hosts (fixtures/netfilter/host-*.json, written by
// path_live_test.cpp): the same expectations as live, with the set lookups replayed.
#include <gtest/gtest.h>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/path/kernel_forwarding.hpp"
#include "path_testing.hpp"

namespace dnd {
namespace {

using namespace path_testing;

TEST(PathEval, DockerPublishedPortIsDnatedAndAcceptedByDockerChain) {
    HostNetwork host = load_host("host-docker.json");
    expect_docker_paths(host, recorded_lookups(host));
}

TEST(PathEval, LegacyForwardPolicyDropWinsBesideNftAccept) {
    HostNetwork host = load_host("host-legacy.json");
    expect_legacy_paths(host, recorded_lookups(host));
}

TEST(PathEval, NativeSetsVerdictMapsGotoAndUnknownMatch) {
    HostNetwork host = load_host("host-native.json");
    expect_native_paths(host, recorded_lookups(host));
}

TEST(PathEval, SetNotLoadedAndNoLookupIsUnknownNotAGuess) {
    HostNetwork host = load_host("host-native.json");
    PathResult r = evaluate_path(host, from_outside("10.1.2.3", 22), SetLookup{});
    EXPECT_EQ(r.verdict, PathVerdict::unknown) << describe(r);
    EXPECT_NE(r.decided_by.find("@blocked"), std::string::npos) << r.decided_by;
}

TEST(PathEval, VerdictMapWithoutElementsIsUnknown) {
    HostNetwork host = load_host("host-native.json");
    for (nf::Table& t : host.nftables->tables)
        for (nf::Set& s : t.sets)
            if (s.name == "portmap") {
                s.elements.clear();
                s.elements_loaded = false;
            }
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 2222), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::unknown) << describe(r);
    EXPECT_NE(r.decided_by.find("portmap"), std::string::npos) << r.decided_by;
}

TEST(PathEval, LimitWithoutVerdictDoesNotMatter) {
    HostNetwork host = load_host("host-native.json");
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 22), recorded_lookups(host));
    bool limit_step = false;
    for (const PathStep& s : r.steps)
        if (s.rule.find("limit rate") != std::string::npos) limit_step = s.result == StepResult::unknown;
    EXPECT_TRUE(limit_step) << describe(r);
    EXPECT_EQ(r.verdict, PathVerdict::delivered_local);
}

// A facts file can hold what the kernel refuses: a chain that goes to itself. The walk ends
// with unknown and why, never loops (a goto does not deepen the stack).
TEST(PathEval, AChainThatGoesToItselfIsUnknownNotAHang) {
    HostNetwork host = load_host("host-docker.json");
    bool changed = false;
    for (nf::Table& t : host.nftables->tables)
        for (nf::Chain& c : t.chains)
            if (c.name == "DOCKER-USER") {
                nf::Rule loop;
                loop.exprs.push_back(nf::Immediate{0, {}, nf::Verdict{nf::Verdict::Kind::goto_, "DOCKER-USER"}});
                c.rules = {loop};
                changed = true;
            }
    ASSERT_TRUE(changed);
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::unknown) << describe(r);
    EXPECT_NE(r.decided_by.find("the chains loop"), std::string::npos) << r.decided_by;
}

// 32-bit offset and length from a facts file whose sum wraps: no read past the header.
TEST(PathEval, APayloadOffsetThatWrapsIsUnknownNotAnOverread) {
    HostNetwork host = load_host("host-docker.json");
    bool changed = false;
    for (nf::Table& t : host.nftables->tables)
        for (nf::Chain& c : t.chains)
            for (nf::Rule& rule : c.rules)
                for (nf::Expr& e : rule.exprs)
                    if (auto* p = std::get_if<nf::Payload>(&e); p && p->base == nf::PayloadBase::transport) {
                        p->offset = 0xfffffff0U;
                        p->len = 0x20;
                        changed = true;
                    }
    ASSERT_TRUE(changed);
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_NE(r.verdict, PathVerdict::forwarded) << describe(r);
}

TEST(PathEval, JumpAndReturnAreShownInOrder) {
    HostNetwork host = load_host("host-docker.json");
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    std::vector<std::string> forward;
    for (const PathStep& s : r.steps)
        if (s.hook == "forward") forward.push_back(std::string(to_string(s.result)) + " " + s.where);
    std::vector<std::string> want = {"jump ip filter FORWARD",          "return ip filter DOCKER-USER",
                                     "jump ip filter FORWARD",          "return ip filter DOCKER-ISOLATION-STAGE-1",
                                     "jump ip filter FORWARD",          "accept ip filter DOCKER"};
    EXPECT_EQ(forward, want) << describe(r);
}

TEST(PathEval, NoRouteIsDroppedWithANote) {
    HostNetwork host = load_host("host-docker.json");
    std::erase_if(*host.routes, [](const Route& r) { return r.destination == "default"; });
    Packet p = from_outside("203.0.113.77", 8080);
    p.daddr = "198.18.0.1";  // not local, not DNATed, no route
    PathResult r = evaluate_path(host, p, recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::dropped) << describe(r);
    EXPECT_EQ(r.decided_hook, "routing");
    EXPECT_NE(r.decided_by.find("no route to 198.18.0.1"), std::string::npos) << r.decided_by;
}

// What writing net.ipv4.ip_forward does: every interface's own switch follows it.
void set_ip_forward(HostNetwork& host, const std::string& value) {
    (*host.sysctls)["net.ipv4.ip_forward"] = value;
    for (const Link& l : *host.links) (*host.sysctls)[interface_sysctl_key(4, l.name, "forwarding")] = value;
}

TEST(PathEval, ForwardingOffDropsTheDnatedPacket) {
    HostNetwork host = load_host("host-docker.json");
    set_ip_forward(host, "0");
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::dropped) << describe(r);
    EXPECT_EQ(r.decided_by, "net.ipv4.ip_forward = 0: the host does not forward packets");
    EXPECT_TRUE(stopped_by_forwarding(r)) << describe(r);
}

TEST(PathEval, IncomingInterfaceForwardingOffDropsThoughGlobalIsOn) {
    HostNetwork host = load_host("host-docker.json");
    ASSERT_EQ(host.sysctls->at("net.ipv4.ip_forward"), "1");
    (*host.sysctls)["net.ipv4.conf.eth0.forwarding"] = "0";
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::dropped) << describe(r);
    EXPECT_EQ(r.decided_hook, "routing");
    EXPECT_EQ(r.decided_by,
              "net.ipv4.conf.eth0.forwarding = 0: forwarding is off on eth0, the interface the packet arrives on "
              "(net.ipv4.ip_forward = 1)");
    EXPECT_TRUE(stopped_by_forwarding(r)) << describe(r);
    // No forward hook ran: the kernel refuses at routing, before netfilter's forward chains.
    for (const PathStep& s : r.steps) EXPECT_NE(s.hook, "forward") << describe(r);
}

TEST(PathEval, OnlyTheIncomingInterfacesSwitchCountsForIpv4) {
    HostNetwork host = load_host("host-docker.json");
    (*host.sysctls)["net.ipv4.conf.docker0.forwarding"] = "0";  // the outgoing interface
    PathResult out_off = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(out_off.verdict, PathVerdict::forwarded) << describe(out_off);

    set_ip_forward(host, "0");
    (*host.sysctls)["net.ipv4.conf.eth0.forwarding"] = "1";  // switched on again after ip_forward=0
    PathResult in_on = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(in_on.verdict, PathVerdict::forwarded) << describe(in_on);
}

TEST(PathEval, IncomingInterfaceForwardingNotReadIsUnknown) {
    HostNetwork host = load_host("host-docker.json");
    host.sysctls->erase("net.ipv4.conf.eth0.forwarding");
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::unknown) << describe(r);
    EXPECT_NE(r.decided_by.find("net.ipv4.conf.eth0.forwarding was not read"), std::string::npos) << r.decided_by;
}

TEST(KernelForwarding, Ipv6IsDecidedGloballyUnlessTheInterfaceForcesIt) {
    HostNetwork host;
    host.sysctls = std::map<std::string, std::string>{{"net.ipv6.conf.all.forwarding", "1"},
                                                      {"net.ipv6.conf.eth0.forwarding", "0"}};
    // The per-interface IPv6 `forwarding` is host/router behaviour, not a forwarding gate.
    auto on = forwarding_on_arrival(host, 6, "eth0");
    EXPECT_EQ(on.state, ForwardingOnArrival::State::on);
    EXPECT_FALSE(on.interface_level);

    (*host.sysctls)["net.ipv6.conf.all.forwarding"] = "0";
    auto off = forwarding_on_arrival(host, 6, "eth0");
    EXPECT_EQ(off.state, ForwardingOnArrival::State::off);
    EXPECT_EQ(off.key, "net.ipv6.conf.all.forwarding");
    EXPECT_FALSE(off.interface_level);

    (*host.sysctls)["net.ipv6.conf.eth0.force_forwarding"] = "1";  // Linux >= 6.17
    auto forced = forwarding_on_arrival(host, 6, "eth0");
    EXPECT_EQ(forced.state, ForwardingOnArrival::State::on);
    EXPECT_EQ(forced.key, "net.ipv6.conf.eth0.force_forwarding");
    EXPECT_EQ(forwarding_on_arrival(host, 6, "eth1").state, ForwardingOnArrival::State::off);
}

TEST(KernelForwarding, Ipv4BlamesTheGlobalSwitchOnlyWhenItIsOff) {
    HostNetwork host;
    host.sysctls = std::map<std::string, std::string>{{"net.ipv4.ip_forward", "1"},
                                                      {"net.ipv4.conf.eth0.forwarding", "0"}};
    auto iface = forwarding_on_arrival(host, 4, "eth0");
    EXPECT_EQ(iface.state, ForwardingOnArrival::State::off);
    EXPECT_TRUE(iface.interface_level);
    EXPECT_EQ(iface.key, "net.ipv4.conf.eth0.forwarding");
    EXPECT_EQ(interface_sysctl_path(4, "eth0", "forwarding"), "/proc/sys/net/ipv4/conf/eth0/forwarding");

    (*host.sysctls)["net.ipv4.ip_forward"] = "0";
    auto global = forwarding_on_arrival(host, 4, "eth0");
    EXPECT_EQ(global.state, ForwardingOnArrival::State::off);
    EXPECT_FALSE(global.interface_level);
    EXPECT_EQ(global.key, "net.ipv4.ip_forward");

    host.sysctls = fail("procfs", "permission denied");
    auto unread = forwarding_on_arrival(host, 4, "eth0");
    EXPECT_EQ(unread.state, ForwardingOnArrival::State::unknown);
    EXPECT_NE(unread.unknown_reason.find("permission denied"), std::string::npos);
}

TEST(PathEval, UnreadableRulesetMakesEveryPathUnknown) {
    HostNetwork host = load_host("host-docker.json");
    host.iptables_legacy = fail("iptables-legacy", "permission denied");
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::unknown);
    EXPECT_NE(r.decided_by.find("permission denied"), std::string::npos) << r.decided_by;
}

TEST(PathEval, LocalClientGoesThroughOutputNat) {
    HostNetwork host = load_host("host-docker.json");
    Packet p;
    p.saddr = "192.0.2.10";
    p.daddr = "192.0.2.10";
    p.dport = 8080;  // iif "": locally generated
    PathResult r = evaluate_path(host, p, recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::sent) << describe(r);
    EXPECT_EQ(r.out_interface, "docker0");
    EXPECT_EQ(r.final_packet.daddr, "172.17.0.2");
    ASSERT_FALSE(r.steps.empty());
    EXPECT_EQ(r.steps.front().hook, "routing");  // no prerouting for a local packet

    p.daddr = "127.0.0.1";  // "! -d 127.0.0.0/8": no DNAT, delivered to a local socket
    PathResult loopback = evaluate_path(host, p, recorded_lookups(host));
    EXPECT_EQ(loopback.verdict, PathVerdict::delivered_local) << describe(loopback);
    EXPECT_EQ(loopback.final_packet.daddr, "127.0.0.1");
}

TEST(PathEval, PathResultJsonRoundTrip) {
    HostNetwork host = load_host("host-docker.json");
    PathResult r = evaluate_path(host, from_outside("203.0.113.77", 8080), recorded_lookups(host));
    nlohmann::json j = r;
    EXPECT_EQ(j.at("verdict"), "forwarded");
    EXPECT_EQ(j.at("final_packet").at("daddr"), "172.17.0.2");
    PathResult back = j.get<PathResult>();
    EXPECT_EQ(nlohmann::json(back), j);
}

TEST(PathEval, HostNetworkJsonRoundTrip) {
    std::string text = read_text(fixture("host-native.json"));
    HostNetwork host = nlohmann::json::parse(text).get<HostNetwork>();
    // Recorded before the ruleset-services, ufw and firewalld slots existed: an older file
    // reads as those slots unavailable, said so, and everything else comes back as it was.
    nlohmann::json expected = nlohmann::json::parse(text);
    for (const char* slot : {"ruleset_services", "ufw", "firewalld"}) {
        ASSERT_FALSE(expected.contains(slot));
        expected[slot] = nlohmann::json(host)[slot];
        EXPECT_EQ(expected[slot]["unavailable"]["source"], "facts-file") << slot;
    }
    ASSERT_FALSE(host.ruleset_services.has_value());
    ASSERT_FALSE(host.ufw.has_value());
    ASSERT_FALSE(host.firewalld.has_value());
    EXPECT_EQ(nlohmann::json(host), expected);
    ASSERT_FALSE(host.daemon.has_value());
    EXPECT_EQ(host.daemon.error().source, "daemon-config");
    EXPECT_EQ(host.set_lookups.size(), 4u);
}

// ---- paths_for ----

Facts facts_with(const HostNetwork& host, std::map<PortKey, std::vector<HostBinding>> ports) {
    Facts f;
    Container c;
    c.name = "web";
    c.state.running = true;
    c.port_bindings = ports;
    c.ports = std::move(ports);
    f.container = std::move(c);
    f.host = host;
    return f;
}

TEST(PathsFor, OneOutsideClientPerExternalInterface) {
    HostNetwork host = load_host("host-docker.json");
    Facts f = facts_with(host, {{PortKey{80, Proto::tcp}, {HostBinding{"0.0.0.0", 8080}}}});
    auto paths = paths_for(f, recorded_lookups(host));
    ASSERT_TRUE(paths.has_value()) << paths.error().message;
    ASSERT_EQ(paths->size(), 1u);  // eth0 only: not lo, docker0 (bridge) or vethdnd0 (its port)
    const PathResult& p = paths->front();
    EXPECT_EQ(p.packet.iif, "eth0");
    EXPECT_EQ(p.packet.saddr, "203.0.113.77");
    EXPECT_EQ(p.packet.daddr, "192.0.2.10");
    EXPECT_EQ(p.verdict, PathVerdict::forwarded) << describe(p);
}

TEST(PathsFor, FromPicksTheInterfaceByRoute) {
    HostNetwork host = load_host("host-docker.json");
    Facts f = facts_with(host, {{PortKey{80, Proto::tcp}, {HostBinding{"0.0.0.0", 8081}}}});
    f.query.from = "198.51.100.5";
    auto paths = paths_for(f, recorded_lookups(host));
    ASSERT_TRUE(paths.has_value());
    ASSERT_EQ(paths->size(), 1u);
    EXPECT_EQ(paths->front().packet.iif, "eth0");  // via the default route
    EXPECT_EQ(paths->front().verdict, PathVerdict::dropped) << describe(paths->front());
}

TEST(PathsFor, LocalFromIsLocallyGenerated) {
    HostNetwork host = load_host("host-docker.json");
    Facts f = facts_with(host, {{PortKey{80, Proto::tcp}, {HostBinding{"0.0.0.0", 8080}}}});
    f.query.from = "192.0.2.10";
    f.query.from_is_local = true;
    auto paths = paths_for(f, recorded_lookups(host));
    ASSERT_TRUE(paths.has_value());
    ASSERT_EQ(paths->size(), 1u);
    EXPECT_EQ(paths->front().packet.iif, "");
    EXPECT_EQ(paths->front().verdict, PathVerdict::sent) << describe(paths->front());
}

TEST(PathsFor, NeedsTheLinks) {
    HostNetwork host = load_host("host-docker.json");
    host.links = fail("rtnetlink", "permission denied");
    Facts f = facts_with(host, {{PortKey{80, Proto::tcp}, {HostBinding{"0.0.0.0", 8080}}}});
    auto paths = paths_for(f, {});
    ASSERT_FALSE(paths.has_value());
    EXPECT_NE(paths.error().message.find("permission denied"), std::string::npos);
}

}  // namespace
}  // namespace dnd

namespace dnd {
namespace {

// A real Docker 20.10 host (iptables-nft), recorded read-only from its namespace with
// `nsenter --net=/run/netns/dndtry nf_collect_bench --host-json`; it has no uplink, so
// the test gives it one.
TEST(PathEval, RecordedDocker2010HostPublishesToTheContainer) {
    HostNetwork host = path_testing::load_host("host-dndtry-docker20.json");
    ASSERT_TRUE(host.daemon.has_value());
    EXPECT_EQ(host.daemon->cmdline.front(), "dockerd");
    host.links->push_back(Link{90, "eth0", "", 1500, true, ""});
    host.addresses->push_back(Address{90, "eth0", 4, "192.0.2.10", 24});
    host.routes->push_back(Route{4, "default", "192.0.2.1", "eth0", 254, "unicast", "", 0});
    host.routes->push_back(Route{4, "192.0.2.10/32", "", "eth0", 255, "local", "192.0.2.10", 0});
    (*host.sysctls)["net.ipv4.conf.eth0.forwarding"] = host.sysctls->at("net.ipv4.ip_forward");  // what ip_forward wrote
    PathResult r = evaluate_path(host, path_testing::from_outside("203.0.113.77", 8080), recorded_lookups(host));
    EXPECT_EQ(r.verdict, PathVerdict::forwarded) << path_testing::describe(r);
    EXPECT_EQ(r.final_packet.daddr, "172.17.0.2");
    EXPECT_EQ(r.final_packet.dport, 80);
    EXPECT_EQ(r.out_interface, "docker0");
    EXPECT_NE(r.decided_by.find("ip filter DOCKER handle"), std::string::npos) << r.decided_by;

    // The same port from the bridge itself is not DNATed (DOCKER: iifname "docker0" return).
    Packet from_bridge = path_testing::from_outside("172.17.0.5", 8080, "172.17.0.1");
    from_bridge.iif = "docker0";
    PathResult local = evaluate_path(host, from_bridge, recorded_lookups(host));
    EXPECT_EQ(local.final_packet.daddr, "172.17.0.1");
    EXPECT_EQ(local.verdict, PathVerdict::delivered_local) << path_testing::describe(local);
}

}  // namespace
}  // namespace dnd
