// swarm.node-ports-blocked: this host's rules drop a port the swarm's nodes talk on, between
// this node and another. The nodes are as /info and /nodes list them on docker.io 20.10 (a
// manager at this host's address, a worker beside it; fixtures/engine-api/info-swarm-manager.json
// and nodes-two.json record such a pair).
#include "check_case.hpp"
#include "host_firewall.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using namespace testing::nf_parts;
using Kind = nf::Verdict::Kind;

SwarmNode worker(std::string addr = "192.0.2.20") {
    return SwarmNode{"inn1rrndp76zde924mbzgotl9", "node-b", std::move(addr), false, "ready"};
}
SwarmNode manager(std::string addr = "192.0.2.30") {
    return SwarmNode{"hpo65ulqcmsjz4nx1c1c447fj", "node-c", std::move(addr), true, "ready"};
}

// "iptables -I OUTPUT -p udp --dport 4789 -j DROP, and my overlay containers on two nodes
// stopped talking."
TEST(SwarmNodePortsBlocked, FiresForVxlanDroppedOnTheWayOut) {
    auto firewall = host_firewall({output_chain(Kind::accept, {rule(udp_dport(4789), verdict(Kind::drop))})});
    auto r = checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(true, {worker()}).nftables_table(firewall).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "swarm.node-ports-blocked", std::nullopt, Severity::critical,
                            "swarm port 4789/udp (VXLAN: the overlay networks' traffic) to node 192.0.2.20 is dropped "
                            "by this host's rules: containers on overlay networks cannot reach those on that node"));
    EXPECT_THAT(f.evidence, ElementsAre("this node: 192.0.2.10 (manager), a member of a swarm (/info Swarm)",
                                        "udp 192.0.2.10:40000 -> 192.0.2.20:4789 (locally generated): dropped in "
                                        "output by inet filter output handle 2: udp dport 4789 drop"));
    EXPECT_THAT(f.fix, ElementsAre("allow it in inet filter output, before the rule that drops it; run: nft insert "
                                   "rule inet filter output position 2 udp dport 4789 accept",
                                   "or delete the rule that drops it; run: nft delete rule inet filter output handle 2",
                                   "between the nodes' addresses, both ways: allow 2377/tcp to managers, 7946/tcp and "
                                   "7946/udp, and 4789/udp"));
}

// "My nftables.conf lets only ssh in, and the worker never shows its tasks' addresses."
TEST(SwarmNodePortsBlocked, FiresForEverySwarmPortAnInputPolicyDrops) {
    auto r = checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(true, {worker()}).nftables_table(ssh_only_firewall()).build());
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "swarm.node-ports-blocked", std::nullopt, Severity::critical,
                            "swarm ports 2377/tcp (cluster control), 4789/udp (VXLAN: the overlay networks' traffic), "
                            "7946/tcp (gossip), 7946/udp (gossip) from node 192.0.2.20 are dropped by this host's "
                            "rules: containers on overlay networks cannot reach those on that node"));
    EXPECT_THAT(f.evidence, Contains("udp 192.0.2.20:7946 -> 192.0.2.10:7946 in eth0: dropped in input by inet filter "
                                     "input policy drop"));
    EXPECT_EQ(f.evidence.size(), 5u) << describe(r);
}

// Gossip alone: the message says what that breaks, not VXLAN's consequence.
TEST(SwarmNodePortsBlocked, SaysWhatGossipCarriesWhenOnlyGossipIsDropped) {
    auto firewall = host_firewall({input_chain(Kind::accept, {rule(udp_dport(7946), verdict(Kind::drop))})});
    Finding f = the_finding(checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(true, {worker()}).nftables_table(firewall).build()));
    EXPECT_EQ(f.title, "swarm port 7946/udp (gossip) from node 192.0.2.20 is dropped by this host's rules: the nodes do "
                       "not learn each other's tasks and addresses");
}

// "docknetdoctor web --to db:5432 times out; db runs on the other node, both on the
// overlay ov": the finding says the target is across the overlay, and is the reason the
// probe failed.
TEST(SwarmNodePortsBlocked, ExplainsAToProbeToAnAddressOnTheOverlay) {
    auto firewall = host_firewall({output_chain(Kind::accept, {rule(udp_dport(4789), verdict(Kind::drop))})});
    auto f = FactsBuilder().to("db:5432").peer_probe(ProbeStatus::timeout).swarm_member(true, {worker()})
                 .nftables_table(firewall).build();
    f.networks->front().driver = "overlay";
    f.networks->front().subnets = {"10.0.1.0/24"};
    ASSERT_TRUE(f.peer && f.peer->probe);
    f.peer->probe->target.address = "10.0.1.2";
    Finding finding = the_finding(checks::swarm_node_ports_blocked().run(f));
    EXPECT_THAT(finding.explains, ElementsAre("path.unexplained"));
    EXPECT_THAT(finding.evidence, Contains("--to probed 10.0.1.2, on overlay network " + f.networks->front().name +
                                           " (10.0.1.0/24): to another node its packets travel in VXLAN, its "
                                           "address learned through gossip"));

    // An address on no overlay network of the source's: the probe's failure is not claimed.
    f.peer->probe->target.address = "172.18.0.3";
    EXPECT_TRUE(the_finding(checks::swarm_node_ports_blocked().run(f)).explains.empty());
}

ProbeOutcome gossip_probe(ProbeStatus outcome, std::string detail) {
    return ProbeOutcome{ProbeTarget{"192.0.2.20", 7946, Proto::tcp, "this host"}, outcome, 2000, std::move(detail)};
}

// "Nothing in my rules, but the nodes never see each other's containers: the cloud's
// security group lets only 22 in." This host lets the packets out; the other node does not answer.
TEST(SwarmNodePortsBlocked, FiresForAGossipPortTheOtherNodeDoesNotAnswer) {
    auto f = FactsBuilder().swarm_member(true, {worker()}).build();
    f.swarm->probes = std::vector<ProbeOutcome>{gossip_probe(ProbeStatus::timeout, "no answer within 2000 ms")};
    Finding finding = the_finding(checks::swarm_node_ports_blocked().run(f));
    EXPECT_TRUE(headline_is(finding, "swarm.node-ports-blocked", std::nullopt, Severity::critical,
                            "swarm port 7946/tcp (gossip) to node 192.0.2.20 gets no answer, though this host's rules "
                            "let it out: dropped between the nodes or by node 192.0.2.20's firewall: the nodes do not "
                            "learn each other's tasks and addresses"));
    EXPECT_EQ(finding.confirmed_by_probe,
              "probe from this host to 192.0.2.20:7946/tcp: timeout (no answer within 2000 ms)");
    EXPECT_THAT(finding.evidence, Contains("tcp 192.0.2.10:40000 -> 192.0.2.20:7946 (locally generated): sent (no rule "
                                           "or policy refused it)"));
    EXPECT_THAT(finding.fix, Contains("open 7946/tcp (gossip) on node 192.0.2.20 to this node (192.0.2.10): its host "
                                      "firewall, and any firewall or cloud security group between the nodes"));
}

// "The other node was shut down": refused, and the fix asks about its engine, not a firewall.
TEST(SwarmNodePortsBlocked, FiresForANodeThatRefusesTheGossipPort) {
    auto f = FactsBuilder().swarm_member(true, {worker()}).build();
    f.swarm->probes = std::vector<ProbeOutcome>{gossip_probe(ProbeStatus::refused, "connect: Connection refused")};
    Finding finding = the_finding(checks::swarm_node_ports_blocked().run(f));
    EXPECT_EQ(finding.title, "node 192.0.2.20 refuses swarm port 7946/tcp (gossip): its engine does not listen there "
                             "(down, or no longer in this swarm)");
}

// A probe that dies in this host's own rule: the rule's finding, with the probe as its proof.
TEST(SwarmNodePortsBlocked, AProbeDeniedHereConfirmsTheRulesFinding) {
    auto firewall = host_firewall({output_chain(Kind::accept, {rule(tcp_dport(7946), verdict(Kind::drop))})});
    auto f = FactsBuilder().swarm_member(true, {worker()}).nftables_table(firewall).build();
    f.swarm->probes = std::vector<ProbeOutcome>{gossip_probe(ProbeStatus::timeout, "no answer within 2000 ms")};
    Finding finding = the_finding(checks::swarm_node_ports_blocked().run(f));
    EXPECT_EQ(finding.title, "swarm port 7946/tcp (gossip) to node 192.0.2.20 is dropped by this host's rules: the "
                             "nodes do not learn each other's tasks and addresses");
    EXPECT_THAT(finding.evidence, Contains("probe from this host to 192.0.2.20:7946/tcp: timeout (no answer within 2000 ms)"));
    EXPECT_FALSE(finding.confirmed_by_probe.empty());
}

// "A swarm of two, nothing filtered, and the other node answers."
TEST(SwarmNodePortsBlocked, QuietWhenTheOtherNodeAnswers) {
    auto f = FactsBuilder().swarm_member(true, {worker()}).build();
    f.swarm->probes = std::vector<ProbeOutcome>{gossip_probe(ProbeStatus::open, "connected")};
    EXPECT_TRUE(quiet(checks::swarm_node_ports_blocked().run(f)));
}

// "A swarm of two, nothing filtered."
TEST(SwarmNodePortsBlocked, QuietOnTheHealthyDefault) {
    EXPECT_TRUE(quiet(checks::swarm_node_ports_blocked().run(FactsBuilder().swarm_member(true, {worker()}).build())));
}

// "No swarm at all."
TEST(SwarmNodePortsBlocked, QuietOutsideASwarm) {
    EXPECT_TRUE(quiet(checks::swarm_node_ports_blocked().run(FactsBuilder().nftables_table(ssh_only_firewall()).build())));
}

// "ssh-only input, and the other node's address let in."
TEST(SwarmNodePortsBlocked, QuietWhenTheFirewallLetsTheOtherNodeIn) {
    auto firewall = host_firewall({input_chain(
        Kind::drop, {rule(tcp_dport(22), verdict(Kind::accept)), rule(ip_saddr("192.0.2.20"), verdict(Kind::accept))})});
    EXPECT_TRUE(quiet(checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(true, {worker()}).nftables_table(firewall).build())));
}

// A worker does not listen on 2377 (only managers do): dropping it inbound there breaks
// nothing; a worker's packets to its manager's 2377 are asked instead.
TEST(SwarmNodePortsBlocked, QuietForTheControlPortDroppedInboundOnAWorker) {
    auto firewall = host_firewall({input_chain(Kind::accept, {rule(tcp_dport(2377), verdict(Kind::drop))})});
    EXPECT_TRUE(quiet(checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(false, {manager()}).nftables_table(firewall).build())));
}

// The same drop on the way out of a worker: it cannot reach its manager.
TEST(SwarmNodePortsBlocked, FiresForAWorkerCutOffFromItsManager) {
    auto firewall = host_firewall({output_chain(Kind::accept, {rule(tcp_dport(2377), verdict(Kind::drop))})});
    Finding f = the_finding(checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(false, {manager()}).nftables_table(firewall).build()));
    EXPECT_EQ(f.title, "swarm port 2377/tcp (cluster control) to node 192.0.2.30 is dropped by this host's rules: this "
                       "node cannot follow the cluster's managers");
}

// The control port dropped on the way into a manager: the others cannot reach it.
TEST(SwarmNodePortsBlocked, SaysTheOthersCannotReachAManagerWhoseControlPortIsDroppedInbound) {
    auto firewall = host_firewall({input_chain(Kind::accept, {rule(tcp_dport(2377), verdict(Kind::drop))})});
    Finding f = the_finding(checks::swarm_node_ports_blocked().run(
        FactsBuilder().swarm_member(true, {worker()}).nftables_table(firewall).build()));
    EXPECT_EQ(f.title, "swarm port 2377/tcp (cluster control) from node 192.0.2.20 is dropped by this host's rules: "
                       "the other nodes cannot reach this manager");
}

// "/nodes answered 500": the ports cannot be judged, and that is said.
TEST(SwarmNodePortsBlocked, UndecidedWithoutTheNodeList) {
    auto f = FactsBuilder().swarm_member(true, {}).build();
    f.swarm->nodes = fail("docker-api", "GET /nodes: 500 Internal Server Error");
    f.swarm->paths = fail("path", "needs the swarm's nodes");
    auto r = checks::swarm_node_ports_blocked().run(f);
    ASSERT_EQ(r.undecided.size(), 1u) << describe(r);
    EXPECT_TRUE(r.findings.empty());
    EXPECT_NE(r.undecided.front().find("GET /nodes: 500 Internal Server Error"), std::string::npos) << describe(r);
}

// A node the engine lists with an address that is no IP is not guessed about.
TEST(SwarmNodePortsBlocked, UndecidedForANodeWithoutAnAddress) {
    auto r = checks::swarm_node_ports_blocked().run(FactsBuilder().swarm_member(true, {worker("0.0.0.0:x")}).build());
    EXPECT_TRUE(r.findings.empty());
    ASSERT_FALSE(r.undecided.empty());
    EXPECT_EQ(r.undecided.front(), "swarm port 2377/tcp (cluster control) from node 0.0.0.0:x: unknown: node "
                                   "inn1rrndp76zde924mbzgotl9 has no IPv4 address this node can use ('0.0.0.0:x')");
}

}  // namespace
}  // namespace dnd
