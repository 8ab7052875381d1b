// selinux.proxy-boolean-off: a host web server (httpd_t) is connected to the container's
// published port while the boolean that lets it connect there is off: its next connection
// is denied, even before any denial is logged.
#include "selinux_case.hpp"

namespace dnd {
namespace {

using namespace check_cases;

// "nginx proxies to my container on 8080; it worked until a reboot, now most requests 502."
TEST(SelinuxProxyBooleanOff, FiresForAProxyOnAnHttpCachePortWithTheRelayBooleanOff) {
    auto s = with_host_client(enforcing_targeted(), 900, "nginx", kHttpdLabel, 8080);
    Finding f = the_finding(checks::selinux_proxy_boolean_off().run(FactsBuilder().selinux(s).build()));
    EXPECT_TRUE(headline_is(f, "selinux.proxy-boolean-off", tcp(80), Severity::critical,
                            "nginx (pid 900, httpd_t) proxies to web but SELinux lets it make no new connection there: "
                            "httpd_can_network_relay is off"));
    EXPECT_THAT(f.evidence,
                ElementsAre("nginx (pid 900) runs as system_u:system_r:httpd_t:s0 (/proc/900/attr/current) and is "
                            "connected: 127.0.0.1:51000 -> 127.0.0.1:8080",
                            HasSubstr("SELinux is enforcing"), HasSubstr("httpd_can_network_connect = off"),
                            HasSubstr("httpd_can_network_relay = off"),
                            "port 8080 is http_cache_port_t by the policy's defaults (semanage port -l)",
                            HasSubstr("each new one fails with EACCES")));
    EXPECT_THAT(f.fix, ElementsAre(HasSubstr("run: setsebool -P httpd_can_network_relay 1")));
}

// "Same, with the app published on 3000."
TEST(SelinuxProxyBooleanOff, FiresForAnyOtherPortWithTheConnectBooleanOff) {
    auto s = with_host_client(enforcing_targeted(), 900, "httpd", kHttpdLabel, 3000);
    Finding f = the_finding(
        checks::selinux_proxy_boolean_off().run(FactsBuilder().publish(3000, 3000).selinux(s).build()));
    EXPECT_EQ(f.port, tcp(3000));
    EXPECT_THAT(f.title, HasSubstr("httpd_can_network_connect is off"));
    EXPECT_THAT(f.fix, ElementsAre(HasSubstr("run: setsebool -P httpd_can_network_connect 1")));
}

// "httpd_can_network_connect is on": it opens every port.
TEST(SelinuxProxyBooleanOff, QuietWhenTheConnectBooleanIsOn) {
    auto s = with_boolean(with_host_client(enforcing_targeted(), 900, "nginx", kHttpdLabel, 8080),
                          "httpd_can_network_connect", true);
    EXPECT_TRUE(quiet(checks::selinux_proxy_boolean_off().run(FactsBuilder().selinux(s).build())));
}

// "The relay boolean is on and the port is an HTTP cache port."
TEST(SelinuxProxyBooleanOff, QuietWhenTheRelayBooleanCoversThePort) {
    auto s = with_boolean(with_host_client(enforcing_targeted(), 900, "nginx", kHttpdLabel, 8080),
                          "httpd_can_network_relay", true);
    EXPECT_TRUE(quiet(checks::selinux_proxy_boolean_off().run(FactsBuilder().selinux(s).build())));
}

// "The client is my own curl, not a confined web server."
TEST(SelinuxProxyBooleanOff, QuietForAnUnconfinedClient) {
    auto s = with_host_client(enforcing_targeted(), 901, "curl", "unconfined_u:unconfined_r:unconfined_t:s0", 8080);
    EXPECT_TRUE(quiet(checks::selinux_proxy_boolean_off().run(FactsBuilder().selinux(s).build())));
}

// "SELinux is permissive on this box."
TEST(SelinuxProxyBooleanOff, QuietInPermissiveMode) {
    auto s = with_host_client(enforcing_targeted(), 900, "nginx", kHttpdLabel, 8080);
    s.enforcing = false;
    EXPECT_TRUE(quiet(checks::selinux_proxy_boolean_off().run(FactsBuilder().selinux(s).build())));
}

// "The denial is in the log already": selinux.denial names it, with the record.
TEST(SelinuxProxyBooleanOff, QuietWhenALoggedDenialOfThatProxyNamesIt) {
    auto s = with_denial(with_host_client(enforcing_targeted(), 900, "nginx", kHttpdLabel, 8080),
                         "type=AVC msg=audit(1764336000.1:2): avc:  denied  { name_connect } for  pid=900 comm=\"nginx\" "
                         "dest=8080 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:http_cache_port_t:s0 "
                         "tclass=tcp_socket permissive=0");
    EXPECT_TRUE(quiet(checks::selinux_proxy_boolean_off().run(FactsBuilder().selinux(s).build())));
}

// "Debian, no SELinux."
TEST(SelinuxProxyBooleanOff, QuietWithoutSelinux) {
    EXPECT_TRUE(quiet(checks::selinux_proxy_boolean_off().run(FactsBuilder().build())));
}

}  // namespace
}  // namespace dnd
