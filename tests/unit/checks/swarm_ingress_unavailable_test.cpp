// swarm.ingress-unavailable: a task's service publishes through the routing mesh and this
// kernel has no IPVS. The service is as fixtures/engine-api/service-ingress.json records it
// (docker.io 20.10 in swarm mode on this machine's kernel, which has no IPVS).
#include "check_case.hpp"
#include "docknetdoctor/model/fix_command.hpp"

namespace dnd {
namespace {

using namespace check_cases;

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

// IPVS is there, but the mesh itself is not read: never "ok" about its ports.
TEST(SwarmIngressUnavailable, UndecidedWhenIpvsIsThereSinceTheMeshIsNotRead) {
    auto r = checks::swarm_ingress_unavailable().run(task_of(service({kIngress}, true)));
    EXPECT_TRUE(r.findings.empty());
    EXPECT_THAT(r.undecided, ElementsAre("service svc1 publishes 18600->80/tcp through the routing mesh, which this "
                                         "version does not read (IPVS is loaded)"));
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
