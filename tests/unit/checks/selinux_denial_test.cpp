// selinux.denial: SELinux denied a process on the container's path an operation on its port
// or address, and logged an AVC. The records are real ones from public reports, with the
// port changed to the case's where said.
#include "selinux_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// RiotGamesCookbooks/nexus-cookbook#115: nginx in front of a service on 8081.
constexpr const char* kNginxTo8081 =
    "type=AVC msg=audit(1764336000.358:1081): avc:  denied  { name_connect } for  pid=5642 comm=\"nginx\" dest=8081 "
    "scontext=unconfined_u:system_r:httpd_t:s0 tcontext=system_u:object_r:transproxy_port_t:s0 tclass=tcp_socket";

// "nginx on the host answers 502 for the site proxied to my container on 8081."
TEST(SelinuxDenial, FiresForAHostProxyDeniedTheConnectToThePublishedPort) {
    auto facts = FactsBuilder().publish(80, 8081).selinux(with_denial(enforcing_targeted(), kNginxTo8081)).build();
    Finding f = the_finding(checks::selinux_denial().run(facts));
    EXPECT_TRUE(headline_is(f, "selinux.denial", tcp(80), Severity::critical,
                            "SELinux denies nginx (pid 5642, httpd_t) name_connect to tcp port 8081 (transproxy_port_t)"));
    EXPECT_THAT(f.evidence, ElementsAre(std::string("AVC (/var/log/audit/audit.log): ") + kNginxTo8081,
                                        "port 8081 is published for web port 80/tcp (0.0.0.0:8081)",
                                        "SELinux is enforcing (/sys/fs/selinux/enforce = 1; /etc/selinux/config: "
                                        "SELINUX=enforcing, SELINUXTYPE=targeted)",
                                        "httpd_can_network_connect = off (/sys/fs/selinux/booleans/httpd_can_network_connect)"));
    EXPECT_THAT(f.fix, ElementsAre("turn httpd_can_network_connect on (lets the web server connect to any port), for "
                                   "good; run: setsebool -P httpd_can_network_connect 1"));
}

// "My container's app exits with EACCES binding its port, and it is the same image that
// runs on my laptop." (containers/podman#26099's record, pid and port made the case's.)
TEST(SelinuxDenial, FiresForTheContainersAppDeniedItsBind) {
    const std::string record =
        "type=AVC msg=audit(1764336000.000:7): avc:  denied  { name_bind } for  pid=2927 comm=\"python3\" src=80 "
        "scontext=unconfined_u:unconfined_r:container_t:s0:c312,c746 tcontext=system_u:object_r:local_test_port_t:s0 "
        "tclass=tcp_socket permissive=0";
    auto facts = FactsBuilder().selinux(with_denial(enforcing_targeted(), record)).build();
    auto s = *facts.selinux;
    s.processes.push_back({2927, "python3", ProcessRole::container_app, "system_u:system_r:container_t:s0:c312,c746", "", 0});
    facts.selinux = s;
    Finding f = the_finding(checks::selinux_denial().run(facts));
    EXPECT_TRUE(headline_is(f, "selinux.denial", tcp(80), Severity::critical,
                            "SELinux denies python3 (pid 2927, container_t) name_bind to tcp port 80 (local_test_port_t)"));
    EXPECT_THAT(f.evidence, Contains("pid 2927 is the app of web"));
    EXPECT_THAT(f.fix, ElementsAre("see why the policy denies it and what would allow it; run: ausearch -m avc -ts recent "
                                   "| audit2why",
                                   HasSubstr("no boolean or port label allows it")));
}

// "The app died binding its port; the engine restarts it": no pid to go by, but a container
// domain was denied the container's own port.
TEST(SelinuxDenial, FiresForAContainerDomainDeniedTheContainersPortAfterTheAppExited) {
    const std::string record =
        "type=AVC msg=audit(1764336000.000:8): avc:  denied  { name_bind } for  pid=3100 comm=\"httpd\" src=80 "
        "scontext=system_u:system_r:container_t:s0:c5,c9 tcontext=system_u:object_r:http_port_t:s0 tclass=tcp_socket "
        "permissive=0";
    Finding f = the_finding(
        checks::selinux_denial().run(FactsBuilder().selinux(with_denial(enforcing_targeted(), record)).build()));
    EXPECT_EQ(f.port, tcp(80));
    EXPECT_THAT(f.evidence, Contains("a container process (container_t) was denied web's port 80/tcp"));
}

// "SELinux is permissive here, yet the log is full of denials."
TEST(SelinuxDenial, APermissiveRecordIsInformationNotABlock) {
    const std::string record = std::string(kNginxTo8081) + " permissive=1";
    auto facts = FactsBuilder().publish(80, 8081).selinux(with_denial(enforcing_targeted(), record)).build();
    Finding f = the_finding(checks::selinux_denial().run(facts));
    EXPECT_TRUE(headline_is(f, "selinux.denial", tcp(80), Severity::info,
                            "SELinux would deny nginx (pid 5642, httpd_t) name_connect to tcp port 8081 "
                            "(transproxy_port_t) (logged in permissive mode, not enforced)"));
    EXPECT_THAT(f.evidence, Contains("permissive=1: SELinux logged it and let it pass"));
}

// "I ran setsebool ten minutes ago; the old denials are still in the log."
TEST(SelinuxDenial, ADenialFromBeforeItsBooleanWasTurnedOnIsInformation) {
    auto s = with_boolean(with_denial(with_denial(enforcing_targeted(), kNginxTo8081), kNginxTo8081),
                          "httpd_can_network_connect", true);
    Finding f = the_finding(checks::selinux_denial().run(FactsBuilder().publish(80, 8081).selinux(s).build()));
    EXPECT_TRUE(headline_is(f, "selinux.denial", tcp(80), Severity::info,
                            "SELinux denied nginx (pid 5642, httpd_t) name_connect to tcp port 8081 (transproxy_port_t) "
                            "(2 times in the last hour), before httpd_can_network_connect was turned on"));
    EXPECT_THAT(f.fix, IsEmpty());
}

// "The denial in the log is for another service's port."
TEST(SelinuxDenial, QuietForADenialOfAnotherPortAndProcess) {
    EXPECT_TRUE(quiet(checks::selinux_denial().run(
        FactsBuilder().selinux(with_denial(enforcing_targeted(), kNginxTo8081)).build())));  // 8080 is published
}

// "This is Debian: there is no SELinux."
TEST(SelinuxDenial, QuietWithoutSelinux) { EXPECT_TRUE(quiet(checks::selinux_denial().run(FactsBuilder().build()))); }

// "The audit log is root's only": a blind spot in the report, not a cause.
TEST(SelinuxDenial, QuietWhenTheDenialsCannotBeRead) {
    auto s = enforcing_targeted();
    s.denials = fail("selinux", "cannot read /var/log/audit/audit.log: Permission denied");
    EXPECT_TRUE(quiet(checks::selinux_denial().run(FactsBuilder().publish(80, 8081).selinux(s).build())));
}

}  // namespace
}  // namespace dnd
