// UFW for real: ufw 0.36.2 from Debian 12, run from a chroot (tests/integration/ufw_root.sh)
// in the sandbox engine's network namespace, writing its chains beside Docker's. Each
// scenario is confirmed by a real connection from the client namespace, and names the rule
// as the real `ufw status numbered` lists it.
#include <sstream>
#include <utility>

#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

// ufw-docker's block for /etc/ufw/after.rules, as its README gives it
// (github.com/chaifeng/ufw-docker, "Solving UFW and Docker issues").
constexpr const char* kUfwDockerBlock = R"(
# BEGIN UFW AND DOCKER
*filter
:ufw-user-forward - [0:0]
:ufw-docker-logging-deny - [0:0]
:DOCKER-USER - [0:0]
-A DOCKER-USER -j ufw-user-forward

-A DOCKER-USER -j RETURN -s 10.0.0.0/8
-A DOCKER-USER -j RETURN -s 172.16.0.0/12
-A DOCKER-USER -j RETURN -s 192.168.0.0/16

-A DOCKER-USER -p udp -m udp --sport 53 --dport 1024:65535 -j RETURN

-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 192.168.0.0/16
-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 10.0.0.0/8
-A DOCKER-USER -j ufw-docker-logging-deny -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -d 172.16.0.0/12
-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 192.168.0.0/16
-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 10.0.0.0/8
-A DOCKER-USER -j ufw-docker-logging-deny -p udp -m udp --dport 0:32767 -d 172.16.0.0/12

-A DOCKER-USER -j RETURN

-A ufw-docker-logging-deny -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix "[UFW DOCKER BLOCK] "
-A ufw-docker-logging-deny -j DROP

COMMIT
# END UFW AND DOCKER
)";

class UfwTest : public SandboxTest {
protected:
    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped()) return;
        RunOptions options;
        options.timeout = 600s;  // made once: debootstrap and apt, when there is no cache
        const auto made = run_process({std::string(DND_SOURCE_DIR) + "/tests/integration/ufw_root.sh"}, options);
        if (made.exit_code == 77) GTEST_SKIP() << "no UFW root here: " << made.err;
        ASSERT_TRUE(made.ok()) << made.describe();
        root_ = made.out.substr(0, made.out.find('\n'));
    }

    // A shell prelude defining `ufw`: the chroot's ufw, in a private mount and pid namespace
    // (its /proc goes with them), in the netns the shell runs in.
    std::string ufw_function() const {
        return "ufw() { unshare -m -p -f --mount-proc=" + root_ + "/proc chroot " + root_ +
               " /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 ufw \"$@\"; }; ";
    }

    // Runs SCRIPT (which may call ufw) in the sandbox host. On destruction: Docker's and UFW's
    // tables as saved before (a filter table that did not exist then, often ip6's, is
    // deleted: restoring an empty dump would leave UFW's chains), and /etc/ufw as shipped.
    HostChange with_ufw(const std::string& script) const {
        const std::string saved = sandbox().dir() + "/before-ufw";
        std::string undo;
        for (const auto& [family, tool] : {std::pair{"ip", "iptables"}, std::pair{"ip6", "ip6tables"}}) {
            const std::string dump = saved + "." + family;
            undo += "if grep -q '^[*]filter' " + dump + "; then " + tool + "-restore < " + dump +
                    "; else nft delete table " + family + " filter 2>/dev/null; fi; rm -f " + dump + "; ";
        }
        undo += "rm -rf " + root_ + "/etc/ufw; cp -a " + root_ + "/etc/ufw.pristine " + root_ + "/etc/ufw; cp " + root_ +
                "/etc/default/ufw.pristine " + root_ + "/etc/default/ufw";
        return HostChange(sandbox(),
                          "iptables-save > " + saved + ".ip; ip6tables-save > " + saved + ".ip6; " + ufw_function() +
                              script,
                          undo);
    }

    ProcessResult ufw(const std::string& args) const { return sandbox().in_host({"sh", "-ec", ufw_function() + "ufw " + args}); }

    // The diagnosis for the client namespace's IPv4 address (--from), or for every client. UFW
    // drops the published port's IPv6 clients at INPUT (docker-proxy serves them): a
    // scenario of its own.
    Diagnosis diagnose_with_ufw(const std::string& container, bool ipv4_client = true) const {
        std::vector<std::string> args{"--format", "json"};
        if (ipv4_client) args.insert(args.end(), {"--from", sandbox().client_addr()});
        args.push_back(container);
        return sandbox().diagnose(args, 120s, {{"DOCKNETDOCTOR_UFW_ROOT", root_}});
    }

    // The line of `ufw status numbered` for rule N, trailing spaces removed.
    std::string status_line(int number) const {
        std::istringstream in(ufw("status numbered").out);
        const std::string prefix = "[" + std::string(number < 10 ? " " : "") + std::to_string(number) + "]";
        for (std::string line; std::getline(in, line);) {
            if (!line.starts_with(prefix)) continue;
            line.erase(line.find_last_not_of(' ') + 1);
            return line;
        }
        return "";
    }

    // No ufw chain is left after a scenario's undo: the next test sees Docker's rules only.
    void TearDown() override {
        if (root_.empty()) return;
        for (const char* save : {"iptables-save", "ip6tables-save"}) {
            const auto rules = sandbox().in_host({save});
            EXPECT_EQ(rules.out.find(":ufw"), std::string::npos) << "a ufw chain outlived its scenario: " << save;
        }
    }

    std::string root_;
};

// "ufw default deny incoming, yet the world reaches my -p 8080": UFW's policy named, exit 1.
TEST_F(UfwTest, DefaultDenyIsBypassedByAPublishedPort) {
    const auto web = sandbox().run_container("it-ufw-bypass", {"-p", "8093:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    const auto enabled = with_ufw("ufw default deny incoming; ufw allow 22/tcp; ufw --force enable");
    ASSERT_TRUE(enabled.result().ok()) << enabled.result().describe();
    ASSERT_EQ(sandbox().client_connect(8093), ConnectOutcome::open);

    const auto diagnosis = diagnose_with_ufw(web.name());
    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    const auto causes = diagnosis.json->at("causes");
    const auto bypass = std::find_if(causes.begin(), causes.end(),
                                     [](const auto& c) { return c.value("id", "") == "exposure.firewall-bypass"; });
    ASSERT_NE(bypass, causes.end()) << diagnosis.describe();
    EXPECT_EQ(bypass->value("title", ""), "UFW's default incoming policy denies tcp port 8093, but Docker's DNAT lets "
                                          "outside clients reach it-ufw-bypass");
    EXPECT_TRUE(any_line_contains(bypass->at("fix"), "ufw-docker")) << diagnosis.describe();
    EXPECT_EQ(diagnosis.process.exit_code, 1) << diagnosis.describe();
    EXPECT_EQ(diagnosis.top_cause_id(), "exposure.firewall-bypass") << diagnosis.describe();
}

// "I set up ufw-docker and added ufw route deny": the rule named as UFW lists it, and its fix,
// run with the real ufw, opens the port again (and the tool then says so, exit 0).
TEST_F(UfwTest, UfwDockerRouteDenyIsNamedAndItsFixOpensThePort) {
    const auto web = sandbox().run_container("it-ufw-route", {"-p", "8094:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    const std::string address = sandbox().inspect(web.name(), "{{.NetworkSettings.IPAddress}}");
    ASSERT_FALSE(address.empty());
    const auto enabled = with_ufw("cat >> " + root_ + "/etc/ufw/after.rules <<'EOF'\n" + kUfwDockerBlock +
                                  "EOF\nufw default deny incoming; ufw allow 22/tcp; ufw route deny proto tcp from any "
                                  "to " + address + " port 80; ufw --force enable");
    ASSERT_TRUE(enabled.result().ok()) << enabled.result().describe();
    ASSERT_EQ(sandbox().client_connect(8094), ConnectOutcome::timeout);

    const auto diagnosis = diagnose_with_ufw(web.name());
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.ufw-blocks", 2));
    const auto& cause = diagnosis.json->at("causes")[0];
    const std::string rule = status_line(2);
    ASSERT_FALSE(rule.empty()) << ufw("status numbered").describe();
    EXPECT_EQ(cause.value("title", ""), "tcp to " + web.name() + " port 80/tcp is dropped in the forward hook: UFW rule " + rule);
    EXPECT_TRUE(any_line_contains(cause.at("evidence"), "ufw status numbered: " + rule)) << diagnosis.describe();
    const auto fix = top_fix_command(diagnosis);
    // The deny has the allowance's match: ufw updates it in place (it refuses to insert it).
    ASSERT_EQ(fix, "ufw route allow proto tcp from any to " + address + " port 80") << diagnosis.describe();

    const auto applied = sandbox().in_host({"sh", "-ec", ufw_function() + *fix});
    ASSERT_TRUE(applied.ok()) << applied.describe();
    EXPECT_EQ(sandbox().client_connect(8094), ConnectOutcome::open);
    const auto after = diagnose_with_ufw(web.name());
    EXPECT_EQ(after.process.exit_code, 0) << after.describe();
    EXPECT_EQ(after.top_cause_id(), "") << after.describe();
}

// "ufw default deny incoming, and my IPv6 clients cannot reach -p 8095": docker-proxy serves
// them through INPUT, where UFW's policy drops them; `ufw allow 8095/tcp` opens it.
TEST_F(UfwTest, DefaultDenyDropsTheProxiedIpv6Clients) {
    if (sandbox().host_addr6().empty()) GTEST_SKIP() << "the sandbox has no IPv6 link";
    const auto web = sandbox().run_container("it-ufw-v6", {"-p", "8095:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_TRUE(sandbox().wait_for_host_listener(8095));
    const auto enabled = with_ufw("ufw default deny incoming; ufw allow 22/tcp; ufw --force enable");
    ASSERT_TRUE(enabled.result().ok()) << enabled.result().describe();
    ASSERT_EQ(sandbox().client_connect_to(sandbox().host_addr6(), 8095), ConnectOutcome::timeout);

    const auto diagnosis = diagnose_with_ufw(web.name(), false);
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.ufw-blocks", 2));
    const auto& cause = diagnosis.json->at("causes")[0];
    EXPECT_EQ(cause.value("title", ""), "tcp to " + web.name() + " port 80/tcp is dropped in the input hook: UFW's "
                                        "default incoming policy");
    EXPECT_TRUE(any_line_contains(cause.at("evidence"), sandbox().host_addr6())) << diagnosis.describe();
    const auto fix = top_fix_command(diagnosis);
    ASSERT_EQ(fix, "ufw allow 8095/tcp") << diagnosis.describe();
    const auto applied = sandbox().in_host({"sh", "-ec", ufw_function() + *fix});
    ASSERT_TRUE(applied.ok()) << applied.describe();
    EXPECT_EQ(sandbox().client_connect_to(sandbox().host_addr6(), 8095), ConnectOutcome::open);
}

// "I set IPV6=no in /etc/default/ufw": UFW then drops every IPv6 packet but loopback's, named
// as such; its fix (run with /etc under this test's root) lets the IPv6 client in.
TEST_F(UfwTest, Ipv6OffDropsEveryIpv6Client) {
    if (sandbox().host_addr6().empty()) GTEST_SKIP() << "the sandbox has no IPv6 link";
    const auto web = sandbox().run_container("it-ufw-v6off", {"-p", "8096:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_TRUE(sandbox().wait_for_host_listener(8096));
    const auto enabled = with_ufw("sed -i 's/^IPV6=.*/IPV6=no/' " + root_ +
                                  "/etc/default/ufw; ufw default deny incoming; ufw allow 8096/tcp; ufw --force enable");
    ASSERT_TRUE(enabled.result().ok()) << enabled.result().describe();
    ASSERT_EQ(sandbox().client_connect(8096), ConnectOutcome::open);
    ASSERT_EQ(sandbox().client_connect_to(sandbox().host_addr6(), 8096), ConnectOutcome::timeout);

    const auto diagnosis = diagnose_with_ufw(web.name(), false);
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.ufw-blocks", 2));
    const auto& cause = diagnosis.json->at("causes")[0];
    EXPECT_EQ(cause.value("title", ""), "tcp to " + web.name() + " port 80/tcp is dropped in the input hook: UFW with "
                                        "IPV6=no, which drops all IPv6 traffic but loopback");
    const auto fix = top_fix_command(diagnosis);
    ASSERT_EQ(fix, "sed -i 's/^IPV6=.*/IPV6=yes/' /etc/default/ufw && ufw disable && ufw --force enable && ufw allow "
                   "8096/tcp") << diagnosis.describe();
    std::string in_root = *fix;
    in_root.replace(in_root.find("/etc/default/ufw"), 16, root_ + "/etc/default/ufw");
    const auto applied = sandbox().in_host({"sh", "-ec", ufw_function() + in_root});
    ASSERT_TRUE(applied.ok()) << applied.describe();
    EXPECT_EQ(sandbox().client_connect_to(sandbox().host_addr6(), 8096), ConnectOutcome::open);
}

}  // namespace
}  // namespace dnd::test
