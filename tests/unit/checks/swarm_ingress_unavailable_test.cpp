// swarm.ingress-unavailable: a task's service publishes through the routing mesh and this
// kernel has no IPVS. The service is as fixtures/engine-api/service-ingress.json records it
// (docker.io 20.10 in swarm mode on this machine's kernel, which has no IPVS).
#include <nlohmann/json.hpp>

#include "check_case.hpp"
#include "fixture_files.hpp"
#include "docknetdoctor/model/fix_command.hpp"

namespace dnd {
namespace {

using namespace check_cases;
using ::testing::EndsWith;

SwarmService service(std::vector<ServicePort> ports, Result<bool> has_ipvs) {
    SwarmService s;
    s.id = "2xu7ao1196kvvyvwuv89ov52l";
    s.name = "svc1";
    s.ports = std::move(ports);
    s.kernel_has_ipvs = std::move(has_ipvs);
    return s;
}

const ServicePort kIngress{PortKey{80, Proto::tcp}, 18600, "ingress"};
const ServicePort kHostMode{PortKey{80, Proto::tcp}, 18601, "host"};

Facts task_of(SwarmService s) {
    Facts f = FactsBuilder().name("svc1.1.qi1zfpqyq0ymnsoti7z16qlam").no_binding(80).build();
    f.swarm_service = std::move(s);
    return f;
}

// "docker service create -p 18600:80 ...: the task runs, every connection to 18600 is refused."
TEST(SwarmIngressUnavailable, FiresWhenTheMeshHasNoIpvs) {
    auto r = checks::swarm_ingress_unavailable().run(task_of(service({kIngress}, false)));
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "swarm.ingress-unavailable", tcp(80), Severity::critical,
                            "service svc1 publishes 18600->80/tcp through the routing mesh, and this kernel has no "
                            "IPVS: every node refuses it"));
    EXPECT_THAT(f.evidence,
                ElementsAre("svc1.1.qi1zfpqyq0ymnsoti7z16qlam is a task of service svc1 (2xu7ao1196kvvyvwuv89ov52l), "
                            "which publishes 18600->80/tcp in ingress mode (Endpoint.Ports)",
                            "/sys/module/ip_vs: absent: IPVS is neither loaded nor built into this kernel"));
    EXPECT_THAT(f.fix, ElementsAre("publish on each task's node instead of through the mesh (one task per node on "
                                   "those ports); run: docker service update --publish-rm "
                                   "published=18600,target=80,protocol=tcp,mode=ingress --publish-add "
                                   "mode=host,published=18600,target=80,protocol=tcp svc1",
                                   "or run the node on a kernel with IPVS (CONFIG_IP_VS; modprobe ip_vs), then restart "
                                   "dockerd"));
}

// A name outside Docker's own form is never put into a command.
TEST(SwarmIngressUnavailable, AStrangeServiceNameOnlyGetsAdvice) {
    auto s = service({kIngress}, false);
    s.name = "svc1; rm -rf /";
    Finding f = the_finding(checks::swarm_ingress_unavailable().run(task_of(s)));
    EXPECT_FALSE(command_of_fix(f.fix.front())) << f.fix.front();
}

// "--publish mode=host,published=18601,target=80": bound on the node, no mesh, no IPVS needed.
TEST(SwarmIngressUnavailable, QuietForHostModePorts) {
    EXPECT_TRUE(quiet(checks::swarm_ingress_unavailable().run(task_of(service({kHostMode}, false)))));
}

// A plain container, no service.
TEST(SwarmIngressUnavailable, QuietForAContainerThatIsNoTask) {
    EXPECT_TRUE(quiet(checks::swarm_ingress_unavailable().run(FactsBuilder().build())));
}

// --port asks about another port than the mesh's.
TEST(SwarmIngressUnavailable, QuietForAnotherPortAsked) {
    auto f = task_of(service({kIngress}, false));
    f.query.port = PortKey{443, Proto::tcp};
    EXPECT_TRUE(quiet(checks::swarm_ingress_unavailable().run(f)));
}

// ---- IPVS is there: the mesh read step by step --------------------------------------------
// The host's DOCKER-INGRESS rules and ingress_sbox's marks are the rulesets read from
// fixtures/ipvs/inputs/ (routing_mesh_live_test.cpp writes them); the IPVS table is the one
// moby/libnetwork#2227 lists from a real node: FWM 256 for port 80, two tasks.

nf::Ruleset ruleset_fixture(const std::string& name) {
    return nlohmann::json::parse(testing::read_text(testing::fixtures_root() + "/ipvs/" + name)).get<nf::Ruleset>();
}

IpvsService fwm(std::uint32_t mark, std::vector<IpvsDestination> destinations) {
    IpvsService s;
    s.fwmark = mark;
    s.scheduler = "rr";
    s.destinations = std::move(destinations);
    return s;
}

const ServicePort kMeshHttp{PortKey{80, Proto::tcp}, 80, "ingress"};

RoutingMesh mesh_with(std::vector<IpvsService> ipvs) {
    RoutingMesh m;
    m.sandbox = "/var/run/docker/netns/ingress_sbox";
    m.nftables = ruleset_fixture("ingress-sbox-nftables.json");
    m.iptables_legacy = nf::Ruleset{};
    m.ipvs = std::move(ipvs);
    return m;
}

Facts mesh_task(RoutingMesh mesh) {
    auto s = service({kMeshHttp}, true);
    s.mesh = std::move(mesh);
    Facts f = task_of(std::move(s));
    HostNetwork host = *f.host;
    host.nftables = ruleset_fixture("host-ingress-nftables.json");
    host.iptables_legacy = nf::Ruleset{};
    f.host = std::move(host);
    return f;
}

const std::vector<IpvsService> kTwoTasks{fwm(256, {{"10.255.0.6", 0, 1, 0, 0}, {"10.255.0.7", 0, 1, 0, 0}})};

// Every step there and a task to send to: the mesh carries the port.
TEST(SwarmIngressUnavailable, QuietWhenTheMeshHasItsRulesAndATask) {
    EXPECT_TRUE(quiet(checks::swarm_ingress_unavailable().run(mesh_task(mesh_with(kTwoTasks)))));
}

// Both tasks unhealthy: the engine set their weights to 0, IPVS sends no connection.
TEST(SwarmIngressUnavailable, FiresWhenIpvsHasNoTaskWithWeight) {
    auto r = checks::swarm_ingress_unavailable().run(
        mesh_task(mesh_with({fwm(256, {{"10.255.0.6", 0, 0, 0, 3}, {"10.255.0.7", 0, 0, 0, 0}})})));
    Finding f = the_finding(r);
    EXPECT_TRUE(headline_is(f, "swarm.ingress-unavailable", tcp(80), Severity::critical,
                            "service svc1 publishes 80->80/tcp through the routing mesh, but on this node IPVS has no "
                            "task to send it to"));
    EXPECT_THAT(f.evidence, Contains(HasSubstr("this host sends it to ingress_sbox: ip nat DOCKER-INGRESS")));
    EXPECT_THAT(f.evidence, Contains(HasSubstr("ingress_sbox marks it 0x100 (256): ip mangle PREROUTING")));
    EXPECT_THAT(f.evidence, Contains("IPVS service FWM 256 rr: real servers 10.255.0.6:0 weight 0 (0 active, 3 inactive "
                                     "connections); 10.255.0.7:0 weight 0 (0 active, 0 inactive connections)"));
    EXPECT_THAT(f.fix.front(), HasSubstr("run: docker service ps --no-trunc svc1"));
}

TEST(SwarmIngressUnavailable, FiresWhenTheMarksServiceHasNoRealServerAtAll) {
    Finding f = the_finding(checks::swarm_ingress_unavailable().run(mesh_task(mesh_with({fwm(256, {})}))));
    EXPECT_THAT(f.title, EndsWith("IPVS has no task to send it to"));
    EXPECT_THAT(f.evidence, Contains("IPVS service FWM 256 rr: no real server"));
}

// The mark's IPVS service is gone (another mark's is there).
TEST(SwarmIngressUnavailable, FiresWhenIpvsHasNoServiceForThePortsMark) {
    Finding f = the_finding(checks::swarm_ingress_unavailable().run(
        mesh_task(mesh_with({fwm(257, {{"10.255.0.8", 0, 1, 0, 0}})}))));
    EXPECT_THAT(f.title, EndsWith("but on this node IPVS has no service for it"));
    EXPECT_THAT(f.evidence, Contains("ingress_sbox's IPVS holds no service for mark 256 (1 services in all)"));
    EXPECT_THAT(f.fix.front(), HasSubstr("run: systemctl restart docker"));
}

// ingress_sbox's mangle rules flushed.
TEST(SwarmIngressUnavailable, FiresWhenIngressSboxNoLongerMarksThePort) {
    RoutingMesh mesh = mesh_with(kTwoTasks);
    mesh.nftables = nf::Ruleset{};
    Finding f = the_finding(checks::swarm_ingress_unavailable().run(mesh_task(std::move(mesh))));
    EXPECT_THAT(f.title, EndsWith("but on this node the mesh's namespace no longer marks it for IPVS"));
    EXPECT_THAT(f.evidence, Contains("ingress_sbox (/var/run/docker/netns/ingress_sbox) marks no packet to tcp dport 80: "
                                     "the mangle rule that picks its IPVS service is gone"));
}

// The host's nat rules flushed (iptables -t nat -F): DOCKER-INGRESS's DNAT is gone.
TEST(SwarmIngressUnavailable, FiresWhenTheHostNoLongerSendsThePortIntoTheMesh) {
    Facts f = mesh_task(mesh_with(kTwoTasks));
    HostNetwork host = *f.host;
    host.nftables = nf::Ruleset{};
    f.host = std::move(host);
    Finding finding = the_finding(checks::swarm_ingress_unavailable().run(f));
    EXPECT_THAT(finding.title, EndsWith("but on this node this host no longer sends it into the mesh"));
    EXPECT_THAT(finding.evidence, Contains("this host's rules hold no DNAT for tcp dport 80: the engine's DOCKER-INGRESS "
                                           "rule, which sends it to ingress_sbox, is gone"));
}

// What could not be read is never "ok": the namespace not entered, IPVS not answering, the
// host's rules unread.
TEST(SwarmIngressUnavailable, UndecidedWhenTheMeshCouldNotBeRead) {
    auto s = service({kMeshHttp}, true);
    s.mesh = fail("probe", "cannot open network namespace /var/run/docker/netns/ingress_sbox: No such file or directory");
    auto r = checks::swarm_ingress_unavailable().run(task_of(s));
    EXPECT_TRUE(r.findings.empty());
    EXPECT_THAT(r.undecided, ElementsAre(HasSubstr("swarm_service.mesh")));

    RoutingMesh unanswered = mesh_with({});
    unanswered.ipvs = fail("ipvs", "permission denied reading IPVS (needs CAP_NET_ADMIN)");
    auto ipvs = checks::swarm_ingress_unavailable().run(mesh_task(std::move(unanswered)));
    EXPECT_TRUE(ipvs.findings.empty());
    EXPECT_THAT(ipvs.undecided, ElementsAre("service svc1 publishes 80->80/tcp through the routing mesh: ingress_sbox's "
                                            "IPVS services could not be read: ipvs: permission denied reading IPVS "
                                            "(needs CAP_NET_ADMIN)"));

    Facts unread_host = mesh_task(mesh_with(kTwoTasks));
    HostNetwork host = *unread_host.host;
    host.nftables = fail("nftables", "permission denied");
    host.iptables_legacy = nf::Ruleset{};
    unread_host.host = std::move(host);
    auto r2 = checks::swarm_ingress_unavailable().run(unread_host);
    EXPECT_TRUE(r2.findings.empty());
    EXPECT_THAT(r2.undecided, ElementsAre(HasSubstr("this host's rules could not be read: nftables: permission denied")));
}
TEST(SwarmIngressUnavailable, UndecidedWithoutTheServiceOrTheKernelsAnswer) {
    auto no_service = service({}, false);
    no_service.ports = fail("docker-api", "the Docker engine did not answer");
    EXPECT_THAT(checks::swarm_ingress_unavailable().run(task_of(no_service)).undecided,
                ElementsAre(HasSubstr("swarm_service.ports")));
    auto no_sysfs = service({kIngress}, fail("sysfs", "cannot look at /sys/module/ip_vs: Permission denied"));
    EXPECT_THAT(checks::swarm_ingress_unavailable().run(task_of(no_sysfs)).undecided,
                ElementsAre(HasSubstr("swarm_service.kernel_has_ipvs")));
}

}  // namespace
}  // namespace dnd
