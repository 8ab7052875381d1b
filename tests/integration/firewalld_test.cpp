// firewalld for real: firewalld 1.3.3 from Debian 12, run from a chroot
// (tests/integration/firewalld_root.sh) as PID 1's child with its own dbus-daemon, in the
// sandbox engine's network namespace (tests/integration/firewalld_daemon.sh). The tool reads
// it over D-Bus (DBUS_SYSTEM_BUS_ADDRESS), as it reads a host's firewalld. Each scenario is
// confirmed by a real connection from the client namespace, and its fix is run with the real
// firewall-cmd.
#include <utility>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

// Docker's own firewalld setup, as dockerd 27 and later make it over D-Bus (moby
// libnetwork/iptables/firewalld.go): zone docker with target ACCEPT and policy
// docker-forwarding (ingress ANY, egress docker, target ACCEPT), both permanent.
constexpr const char* kDockerZoneAndPolicy =
    "firewall-cmd --permanent --new-zone=docker && firewall-cmd --permanent --zone=docker --set-target=ACCEPT && "
    "firewall-cmd --permanent --new-policy=docker-forwarding && firewall-cmd --permanent "
    "--policy=docker-forwarding --add-ingress-zone=ANY && firewall-cmd --permanent --policy=docker-forwarding "
    "--add-egress-zone=docker && firewall-cmd --permanent --policy=docker-forwarding --set-target=ACCEPT && "
    "firewall-cmd --reload";

// The scenarios' network and its bridge. Docker 28 and later drop routed clients of a
// container address in raw PREROUTING unless the network's gateway mode is nat-unprotected:
// there it is, so that firewalld is what decides them on every engine.
constexpr const char* kNetwork = "it-fwd-net";
constexpr const char* kBridge = "dndfw0";

class FirewalldTest : public SandboxTest {
protected:
    // Stops firewalld when the scenario's body ends: declared after its containers, it goes first.
    struct RunningFirewalld {
        FirewalldTest* test;
        ~RunningFirewalld() { test->stop_firewalld(); }
    };

    void SetUp() override {
        SandboxTest::SetUp();
        if (IsSkipped()) return;
        RunOptions options;
        options.timeout = 600s;  // made once: debootstrap and apt, when there is no cache
        const auto made = run_process({script("firewalld_root.sh")}, options);
        if (made.exit_code == 77) GTEST_SKIP() << "no firewalld root here: " << made.err;
        ASSERT_TRUE(made.ok()) << made.describe();
        root_ = made.out.substr(0, made.out.find('\n'));
        const std::string bin = sandbox().dir() + "/firewalld-bin";
        const auto wrapper = sandbox().in_host(
            {"sh", "-ec", "mkdir -p " + bin + " && printf '#!/bin/sh\\nexec %s cmd %s -- firewall-cmd \"$@\"\\n' " +
                              script("firewalld_daemon.sh") + " " + root_ + " > " + bin + "/firewall-cmd && chmod 755 " +
                              bin + "/firewall-cmd"});
        ASSERT_TRUE(wrapper.ok()) << wrapper.describe();
        std::vector<std::string> network_options{"-o", std::string("com.docker.network.bridge.name=") + kBridge};
        if (sandbox().engine_major() >= 28)
            network_options.insert(network_options.end(),
                                   {"-o", "com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected"});
        network_.emplace(sandbox().create_network(kNetwork, network_options));
        ASSERT_TRUE(network_->create_result().ok()) << network_->create_result().describe();
    }

    // A container of the scenario's network publishing HOST_PORT (its httpd on 80), serving.
    ScopedContainer start_web(const std::string& name, int host_port, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--network", kNetwork, "-p", std::to_string(host_port) + ":80"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {image(), "httpd", "-f", "-p", "80"});
        auto web = sandbox().run_container(name, args);
        EXPECT_TRUE(web.run_result().ok()) << web.run_result().describe();
        EXPECT_TRUE(wait_for_container_listener(web.name(), 80));
        return web;
    }

    std::string address_of(const ScopedContainer& web) const {
        return sandbox().inspect(web.name(), "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
    }

    // firewalld started in the sandbox's host netns, once the scenario's containers run.
    void start_firewalld_now() {
        // firewalld flushes iptables' filter and nat tables when it starts (and on reload and
        // stop): Docker's rules are saved first and put back as dockerd would.
        saved_ = sandbox().dir() + "/before-firewalld";
        const auto saved = sandbox().in_host({"sh", "-ec", "iptables-save > " + saved_ + ".ip; ip6tables-save > " + saved_ + ".ip6"});
        ASSERT_TRUE(saved.ok()) << saved.describe();
        RunOptions options;
        options.timeout = 60s;
        const auto started = run_process({script("firewalld_daemon.sh"), "start", root_, sandbox().host_netns()}, options);
        if (started.exit_code == 77) GTEST_SKIP() << "firewalld cannot run here: " << started.err;
        ASSERT_TRUE(started.ok()) << started.describe();
        bus_ = started.out.substr(0, started.out.find('\n'));
        running_ = true;
        ASSERT_TRUE(restore_docker_rules().ok());
    }

    [[nodiscard]] RunningFirewalld start_firewalld() {
        start_firewalld_now();
        return RunningFirewalld{this};
    }

    // firewalld stopped (its clean stop flushes iptables again) and Docker's rules put back,
    // while the scenario's containers still run: removing them then removes their rules.
    void stop_firewalld() {
        if (!running_) return;
        running_ = false;
        run_process({script("firewalld_daemon.sh"), "stop", root_});
        const auto restored = restore_docker_rules();
        EXPECT_TRUE(restored.ok()) << restored.describe();
        sandbox().in_host({"rm", "-f", saved_ + ".ip", saved_ + ".ip6"});
    }

    void TearDown() override {
        if (root_.empty()) return;
        stop_firewalld();
        // Nothing of firewalld's outlives the scenario: the next test sees Docker's rules only.
        const auto tables = sandbox().in_host({"nft", "list", "tables"});
        EXPECT_EQ(tables.out.find("firewalld"), std::string::npos) << tables.out;
    }

    static std::string script(const char* name) { return std::string(DND_SOURCE_DIR) + "/tests/integration/" + name; }

    // Docker's iptables rules as they were before firewalld flushed them: what dockerd writes
    // again when firewalld tells it about a reload.
    ProcessResult restore_docker_rules() const {
        return sandbox().in_host({"sh", "-ec", "iptables-restore < " + saved_ + ".ip; ip6tables-restore < " + saved_ + ".ip6"});
    }

    // A shell prelude putting `firewall-cmd` on PATH: the root's, talking to this firewalld
    // over its bus (a fix line runs as written).
    std::string firewall_cmd_path() const { return "PATH=" + sandbox().dir() + "/firewalld-bin:$PATH; "; }

    ProcessResult firewall_cmd(const std::string& commands) const {
        return sandbox().in_host({"sh", "-ec", firewall_cmd_path() + commands});
    }

    // Docker's zone and policy, with the bridge in the zone when bound (dockerd's runtime binding).
    void make_dockers_setup(bool bound) {
        const auto made = firewall_cmd(std::string(kDockerZoneAndPolicy) +
                                       (bound ? std::string(" && firewall-cmd --zone=docker --add-interface=") + kBridge : ""));
        ASSERT_TRUE(made.ok()) << made.describe();
        ASSERT_TRUE(restore_docker_rules().ok());  // the reload flushed them
    }

    Diagnosis diagnose_with_firewalld(const std::string& container, std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"--format", "json", "--from", sandbox().client_addr()};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(container);
        return sandbox().diagnose(args, 120s, {{"DBUS_SYSTEM_BUS_ADDRESS", bus_}});
    }

    std::optional<ScopedNetwork> network_;
    std::string root_;
    std::string bus_;
    std::string saved_;
    bool running_ = false;
};

// "My bridge ended up in no zone" (dockerd started before firewalld, or a reload dropped the
// binding): routed clients are refused by the default zone. The finding names it, and its
// fix, run with the real firewall-cmd, lets the client in.
TEST_F(FirewalldTest, BridgeInNoZoneRefusesRoutedClientsAndTheFixLetsThemIn) {
    const auto web = start_web("it-fwd-zone", 8160);
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    const std::string address = address_of(web);
    make_dockers_setup(false);
    ASSERT_EQ(sandbox().client_connect(8160), ConnectOutcome::open);  // DNAT'd: firewalld accepts it
    ASSERT_NE(sandbox().client_connect_to(address, 80), ConnectOutcome::open);

    const auto diagnosis = diagnose_with_firewalld(web.name(), {"--direct"});
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.firewalld-zone", 2));
    const auto cause = cause_with_id(diagnosis, "firewall.firewalld-zone");
    EXPECT_EQ(cause.value("title", ""), "tcp to " + web.name() + " at " + address +
                                            " port 80/tcp is rejected in the forward hook: firewalld zone public");
    EXPECT_TRUE(any_line_contains(cause.at("evidence"), "firewalld: " + std::string(kBridge) + " is in no zone, so in the default zone (public)"))
        << diagnosis.describe();
    EXPECT_TRUE(any_line_contains(cause.at("evidence"), "decided by: inet firewalld filter_FWD_public")) << diagnosis.describe();
    const auto fix = top_fix_command(diagnosis);
    ASSERT_EQ(fix, std::string("firewall-cmd --zone=docker --change-interface=") + kBridge +
                       " && firewall-cmd --permanent --zone=docker --change-interface=" + kBridge)
        << diagnosis.describe();

    const auto applied = firewall_cmd(*fix);
    ASSERT_TRUE(applied.ok()) << applied.describe();
    EXPECT_EQ(sandbox().client_connect_to(address, 80), ConnectOutcome::open);
    const auto after = diagnose_with_firewalld(web.name(), {"--direct"});
    EXPECT_EQ(after.process.exit_code, 0) << after.describe();
    EXPECT_EQ(after.top_cause_id(), "") << after.describe();
}

// "firewalld runs and Docker never made its zone" (Docker before 27 made no policy, or it
// never reached firewalld): the fix makes Docker's zone and policy as dockerd 27 does, with
// the engine restarted after the reload; run as written, it lets routed clients in.
TEST_F(FirewalldTest, NoDockerZoneAtAllIsMadeByTheFix) {
    const auto web = start_web("it-fwd-nozone", 8166, {"--restart", "always"});
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    const std::string address = address_of(web);
    ASSERT_NE(sandbox().client_connect_to(address, 80), ConnectOutcome::open);

    const auto diagnosis = diagnose_with_firewalld(web.name(), {"--direct"});
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.firewalld-zone", 2));
    const auto fix = top_fix_command(diagnosis);
    ASSERT_TRUE(fix) << diagnosis.describe();
    EXPECT_TRUE(fix->starts_with("firewall-cmd --permanent --new-zone=docker && ")) << *fix;
    EXPECT_TRUE(fix->ends_with(" && firewall-cmd --reload && systemctl restart docker")) << *fix;

    const auto applied = sandbox().run_fix_command(firewall_cmd_path() + *fix);
    ASSERT_TRUE(applied.ok()) << applied.describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    const std::string again = address_of(web);
    EXPECT_EQ(sandbox().client_connect_to(again, 80), ConnectOutcome::open);
    // The restarted engine wrote its rules itself: those are what the teardown puts back.
    const auto saved = sandbox().in_host({"sh", "-ec", "iptables-save > " + saved_ + ".ip"});
    ASSERT_TRUE(saved.ok()) << saved.describe();
}

// The same host asked about the published port: it answers (firewalld accepts DNAT'd
// traffic), and the bridge's zone is still reported, as a warning, read over D-Bus.
TEST_F(FirewalldTest, BridgeInNoZoneIsReportedWhileThePublishedPortAnswers) {
    const auto web = start_web("it-fwd-warn", 8161);
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    make_dockers_setup(false);
    ASSERT_EQ(sandbox().client_connect(8161), ConnectOutcome::open);

    const auto diagnosis = diagnose_with_firewalld(web.name());
    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    const auto cause = cause_with_id(diagnosis, "firewall.firewalld-zone");
    ASSERT_FALSE(cause.is_null()) << diagnosis.describe();
    EXPECT_EQ(cause.value("severity", ""), "warning");
    EXPECT_TRUE(any_line_contains(cause.at("evidence"), "firewalld 1.3.3 (runtime, over D-Bus at " + bus_ + "): " + kBridge + " is in no zone"))
        << diagnosis.describe();
}

// Docker's zone and policy as dockerd makes them, the bridge in the zone, and the published port
// opened in the clients' zone too: healthy, exit 0, for the published port and for routed
// clients alike.
TEST_F(FirewalldTest, DockersZoneAndPolicyAreHealthy) {
    const auto web = start_web("it-fwd-ok", 8162);
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    const std::string address = address_of(web);
    make_dockers_setup(true);
    const auto opened = firewall_cmd("firewall-cmd --zone=public --add-port=8162/tcp");
    ASSERT_TRUE(opened.ok()) << opened.describe();
    ASSERT_EQ(sandbox().client_connect(8162), ConnectOutcome::open);
    ASSERT_EQ(sandbox().client_connect_to(address, 80), ConnectOutcome::open);

    for (const auto& extra : {std::vector<std::string>{}, std::vector<std::string>{"--direct"}}) {
        const auto diagnosis = diagnose_with_firewalld(web.name(), extra);
        ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
        EXPECT_EQ(diagnosis.process.exit_code, 0) << diagnosis.describe();
        EXPECT_EQ(diagnosis.top_cause_id(), "") << diagnosis.describe();
        EXPECT_TRUE(diagnosis.json->value("blind_spots", nlohmann::json::array()).empty()) << diagnosis.describe();
    }
}

// "firewalld's public zone does not allow 8165, yet the world reaches -p 8165": the zone
// named, exit 1 (firewalld accepts every DNAT'd packet before its zones).
TEST_F(FirewalldTest, PublishedPortBypassesTheZone) {
    const auto web = start_web("it-fwd-bypass", 8165);
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    make_dockers_setup(true);
    ASSERT_EQ(sandbox().client_connect(8165), ConnectOutcome::open);

    const auto diagnosis = diagnose_with_firewalld(web.name());
    ASSERT_TRUE(reports_top_cause(diagnosis, "exposure.firewall-bypass", 1));
    const auto cause = cause_with_id(diagnosis, "exposure.firewall-bypass");
    EXPECT_EQ(cause.value("title", ""), "firewalld zone public denies tcp port 8165, but Docker's DNAT "
                                        "lets outside clients reach " + web.name());
    EXPECT_TRUE(any_line_contains(cause.at("fix"), "StrictForwardPorts=yes")) << diagnosis.describe();
}

// "A rich rule I added for one client": in Docker's policy it refuses that client's routed
// traffic, named as firewall-cmd lists it; its fix removes it and the client gets in.
TEST_F(FirewalldTest, PolicyRichRuleRejectingTheClientIsNamed) {
    const auto web = start_web("it-fwd-rich4", 8167);
    ASSERT_FALSE(HasFailure());
    const std::string address = address_of(web);
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    make_dockers_setup(true);
    const std::string rule = "rule family=\"ipv4\" source address=\"" + sandbox().client_addr() + "\" reject";
    const auto added = firewall_cmd("firewall-cmd --policy=docker-forwarding --add-rich-rule='" + rule + "'");
    ASSERT_TRUE(added.ok()) << added.describe();
    ASSERT_EQ(sandbox().client_connect_to(address, 80), ConnectOutcome::refused);

    const auto diagnosis = diagnose_with_firewalld(web.name(), {"--direct"});
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.firewalld-zone", 2));
    const auto cause = cause_with_id(diagnosis, "firewall.firewalld-zone");
    EXPECT_EQ(cause.value("title", ""), "tcp to " + web.name() + " at " + address +
                                            " port 80/tcp is rejected in the forward hook: firewalld policy "
                                            "docker-forwarding's rich rule '" + rule + "'");
    const auto fix = top_fix_command(diagnosis);
    ASSERT_EQ(fix, "firewall-cmd --policy=docker-forwarding --remove-rich-rule='" + rule +
                       "' && firewall-cmd --permanent --policy=docker-forwarding --remove-rich-rule='" + rule + "'")
        << diagnosis.describe();
    // Added at runtime only: the permanent half says it was not there, and the runtime half
    // has removed it.
    firewall_cmd(*fix);
    EXPECT_EQ(sandbox().client_connect_to(address, 80), ConnectOutcome::open);
}

// IPv6 clients of a published port reach docker-proxy through input, where the zone of the
// host's interface decides: a zone rich rule rejecting the client is named, and removed.
TEST_F(FirewalldTest, ZoneRichRuleRejectingTheProxiedIpv6ClientIsNamed) {
    if (sandbox().host_addr6().empty()) GTEST_SKIP() << "the sandbox has no IPv6 link";
    const auto web = start_web("it-fwd-rich6", 8168);
    ASSERT_FALSE(HasFailure());
    ASSERT_TRUE(sandbox().wait_for_host_listener(8168));
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    make_dockers_setup(true);
    const std::string rule = "rule family=\"ipv6\" source address=\"" + sandbox().client_addr6() + "\" reject";
    const auto added = firewall_cmd("firewall-cmd --zone=public --add-port=8168/tcp && firewall-cmd --zone=public "
                                    "--add-rich-rule='" + rule + "'");
    ASSERT_TRUE(added.ok()) << added.describe();
    ASSERT_NE(sandbox().client_connect_to(sandbox().host_addr6(), 8168), ConnectOutcome::open);

    const auto diagnosis = sandbox().diagnose({"--format", "json", "--from", sandbox().client_addr6(), web.name()},
                                              120s, {{"DBUS_SYSTEM_BUS_ADDRESS", bus_}});
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.firewalld-zone", 2));
    const auto cause = cause_with_id(diagnosis, "firewall.firewalld-zone");
    EXPECT_EQ(cause.value("title", ""), "tcp to " + web.name() + " port 80/tcp is rejected in the input hook: firewalld "
                                        "zone public's rich rule '" + rule + "'");
    const auto fix = top_fix_command(diagnosis);
    ASSERT_EQ(fix, "firewall-cmd --zone=public --remove-rich-rule='" + rule +
                       "' && firewall-cmd --permanent --zone=public --remove-rich-rule='" + rule + "'")
        << diagnosis.describe();
    firewall_cmd(*fix);
    EXPECT_EQ(sandbox().client_connect_to(sandbox().host_addr6(), 8168), ConnectOutcome::open);
}

// "I ran firewall-cmd --reload and my published port died": the reload flushed Docker's
// iptables rules (and dropped the bridge from zone docker).
TEST_F(FirewalldTest, ReloadAfterTheContainerStartedIsNamed) {
    const auto web = start_web("it-fwd-reload", 8163);
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    make_dockers_setup(true);
    ASSERT_EQ(sandbox().client_connect(8163), ConnectOutcome::open);
    const auto reloaded = firewall_cmd("firewall-cmd --reload");
    ASSERT_TRUE(reloaded.ok()) << reloaded.describe();
    ASSERT_NE(sandbox().client_connect(8163), ConnectOutcome::open);

    const auto diagnosis = diagnose_with_firewalld(web.name());
    ASSERT_TRUE(reports_top_cause(diagnosis, "firewall.firewalld-reload", 2));
}

// A bus that refuses the tool (no such socket here) while firewalld runs: a blind spot says
// runtime state was not read, the configuration files are read instead, and the rest of the
// diagnosis stands.
TEST_F(FirewalldTest, UnreachableBusIsABlindSpotAndTheFilesAreRead) {
    const auto web = start_web("it-fwd-nobus", 8164);
    ASSERT_FALSE(HasFailure());
    const auto firewalld = start_firewalld();
    ASSERT_FALSE(HasFatalFailure());
    make_dockers_setup(true);
    const auto opened = firewall_cmd("firewall-cmd --zone=public --add-port=8164/tcp");
    ASSERT_TRUE(opened.ok()) << opened.describe();
    const auto diagnosis =
        sandbox().diagnose({"--format", "json", "--from", sandbox().client_addr(), web.name()}, 120s,
                           {{"DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + sandbox().dir() + "/no-such-bus"},
                            {"DOCKNETDOCTOR_FIREWALLD_ROOT", root_}});
    ASSERT_TRUE(diagnosis.json) << diagnosis.describe();
    EXPECT_EQ(diagnosis.process.exit_code, 0) << diagnosis.describe();
    const auto blind = diagnosis.json->value("blind_spots", nlohmann::json::array());
    bool named = false;
    for (const auto& b : blind)
        named = named || b.dump().find("firewalld runs, but its runtime state was not read") != std::string::npos;
    EXPECT_TRUE(named) << diagnosis.describe();
}

}  // namespace
}  // namespace dnd::test
