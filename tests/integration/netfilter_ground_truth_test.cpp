// Ground truth for the packet-path evaluator: in the sandbox, each scenario changes the
// host's real netfilter state or sysctls, then checks that the evaluator's verdict for the
// client namespace's packet (--from CLIENT_ADDR) agrees with what a real connection from
// the client namespace does, and that the right cause ranks first. Every change is undone
// when the test ends, also when it fails.
#include <algorithm>
#include <memory>
#include <sstream>

#include "host_change.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class NetfilterGroundTruthTest : public SandboxTest {
protected:
    // A web server published on HOST_PORT:80, listening, reachable before the change.
    ScopedContainer start_web(const std::string& name, int host_port, std::vector<std::string> run_args = {}) {
        run_args.insert(run_args.end(), {"-p", std::to_string(host_port) + ":80", image(), "httpd", "-f", "-p", "80"});
        auto web = sandbox().run_container(name, run_args);
        EXPECT_TRUE(web.run_result().ok()) << web.run_result().describe();
        EXPECT_TRUE(wait_for_container_listener(web.name(), 80));
        EXPECT_EQ(sandbox().client_connect(host_port), ConnectOutcome::open) << "before the change";
        return web;
    }

    Diagnosis diagnose_from_client(const std::string& container) {
        return diagnose_json(container, {"--from", sandbox().client_addr()});
    }

    // The evaluated path of the client's packet to HOST_ADDR.
    nlohmann::json client_path(const Diagnosis& d) const {
        return path_of(d, sandbox().client_addr(), sandbox().host_addr());
    }

    // What a real connection must do, given the evaluator's verdict.
    static std::set<ConnectOutcome> real_outcomes_for(const std::string& verdict) {
        if (verdict == "forwarded" || verdict == "delivered-local") return {ConnectOutcome::open};
        if (verdict == "dropped") return {ConnectOutcome::timeout};
        if (verdict == "rejected") return {ConnectOutcome::refused, ConnectOutcome::unreachable};
        return {};
    }

    // The evaluator says EXPECTED_VERDICT, and the client's real connection agrees.
    void expect_path_matches_reality(const Diagnosis& d, int host_port, const std::string& expected_verdict) {
        const auto path = client_path(d);
        ASSERT_FALSE(path.is_null()) << "no path for the client's packet\n" << d.describe();
        const auto verdict = path.value("verdict", std::string());
        EXPECT_EQ(verdict, expected_verdict) << path.dump(2);
        const ConnectOutcome real = sandbox().client_connect(host_port, 2s);
        EXPECT_TRUE(real_outcomes_for(verdict).contains(real))
            << "evaluator: " << verdict << " (" << path.value("decided_by", std::string()) << "), real connect: "
            << to_string(real);
        expect_trace_agrees(d, verdict, real);
    }

    // The kernel's own path of the client's SYN (trace --send from the client's netns): the
    // same verdict as the real connection and the evaluator's, and the prediction confirmed.
    void expect_trace_agrees(const Diagnosis& d, const std::string& predicted_verdict, ConnectOutcome real) {
        const std::string container = (*d.json)["target"].value("name", std::string());
        const auto traced = sandbox().diagnose({"trace", "--format", "json", "--from", sandbox().client_addr(), "--send",
                                                sandbox().client_netns(), container},
                                               60s);
        ASSERT_TRUE(traced.json) << traced.describe();
        const auto verdict = traced.json->value("verdict", std::string());
        EXPECT_EQ(verdict, predicted_verdict) << traced.describe();
        EXPECT_TRUE(real_outcomes_for(verdict).contains(real))
            << "trace: " << verdict << ", real connect: " << to_string(real) << "\n" << traced.describe();
        EXPECT_EQ((*traced.json)["comparison"].value("outcome", std::string()), "confirmed") << traced.describe();
        EXPECT_EQ(traced.process.exit_code, verdict == "dropped" || verdict == "rejected" ? 2 : 0) << traced.describe();
    }

    // The top cause's first fix, copied out of the report and run as it stands; it must be a
    // command starting with EXPECTED_START (written for where the drop is). Undone when the
    // result goes; nullptr (with the failure recorded) when there was nothing to run.
    std::unique_ptr<AppliedFix> apply_top_fix(const Diagnosis& d, const std::string& expected_start) {
        const auto command = top_fix_command(d);
        if (!command) {
            ADD_FAILURE() << "the top cause's first fix holds no command\n" << d.describe();
            return nullptr;
        }
        EXPECT_TRUE(command->starts_with(expected_start)) << *command;
        auto fix = std::make_unique<AppliedFix>(sandbox(), *command);
        EXPECT_TRUE(fix->result().ok()) << *command << "\n" << fix->result().describe();
        return fix;
    }

    // ... and then the client's real connection opens and the diagnosis from the client is ok.
    void expect_top_fix_works(const Diagnosis& d, const std::string& expected_start, const std::string& container,
                              int host_port) {
        const auto fix = apply_top_fix(d, expected_start);
        if (!fix || !fix->result().ok()) return;
        const std::string& command = fix->command();
        EXPECT_EQ(sandbox().client_connect(host_port, 2s), ConnectOutcome::open) << "after: " << command;
        const auto after = diagnose_from_client(container);
        expect_path_matches_reality(after, host_port, "forwarded");
        EXPECT_EQ(after.process.exit_code, 0) << "after: " << command << "\n" << after.describe();
    }
};

TEST_F(NetfilterGroundTruthTest, HealthyPathIsForwardedAndConnects) {
    const auto web = start_web("it-nf-healthy", 8090);
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8090, "forwarded");
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
}

TEST_F(NetfilterGroundTruthTest, DockerUserDropByPort) {
    const auto web = start_web("it-nf-user-port", 8091);
    HostChange rule(sandbox(), "iptables -I DOCKER-USER -p tcp --dport 80 -j DROP",
                    "iptables -D DOCKER-USER -p tcp --dport 80 -j DROP");
    ASSERT_TRUE(rule.result().ok()) << rule.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8091, "dropped");
    EXPECT_TRUE(reports_top_cause(d, "netfilter.forward-drop", 2));
    expect_top_fix_works(d, "iptables-nft -I DOCKER-USER -d ", web.name(), 8091);
}

TEST_F(NetfilterGroundTruthTest, DockerUserDropBySource) {
    const auto web = start_web("it-nf-user-src", 8092);
    const std::string spec = "DOCKER-USER -s " + sandbox().client_addr() + " -j DROP";
    HostChange rule(sandbox(), "iptables -I " + spec, "iptables -D " + spec);
    ASSERT_TRUE(rule.result().ok()) << rule.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8092, "dropped");
    EXPECT_TRUE(reports_top_cause(d, "netfilter.forward-drop", 2));
    // The accept covers that source's traffic too: it names the container's address and port.
    expect_top_fix_works(d, "iptables-nft -I DOCKER-USER -d ", web.name(), 8092);
}

TEST_F(NetfilterGroundTruthTest, DockerUserRejectIsRefused) {
    const auto web = start_web("it-nf-reject", 8093);
    const std::string spec = "DOCKER-USER -p tcp --dport 80 -j REJECT --reject-with tcp-reset";
    HostChange rule(sandbox(), "iptables -I " + spec, "iptables -D " + spec);
    ASSERT_TRUE(rule.result().ok()) << rule.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8093, "rejected");
    EXPECT_TRUE(reports_top_cause(d, "netfilter.forward-drop", 2));
    expect_top_fix_works(d, "iptables-nft -I DOCKER-USER -d ", web.name(), 8093);
}

TEST_F(NetfilterGroundTruthTest, NativeNftTableDropsInForward) {
    const auto web = start_web("it-nf-native", 8094);
    HostChange table(sandbox(),
                     "nft 'add table inet dndblock; "
                     "add chain inet dndblock filter_forward { type filter hook forward priority 0; policy accept; }; "
                     "add rule inet dndblock filter_forward tcp dport 80 drop'",
                     "nft delete table inet dndblock");
    ASSERT_TRUE(table.result().ok()) << table.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8094, "dropped");
    EXPECT_TRUE(reports_top_cause(d, "netfilter.forward-drop", 2));
    // Not DOCKER-USER: an accept there ends only Docker's base chain, and dndblock's still runs.
    expect_top_fix_works(d, "nft insert rule inet dndblock filter_forward position ", web.name(), 8094);
}

TEST_F(NetfilterGroundTruthTest, FirewalldLikeTableRejectsInForward) {
    // What firewalld (nftables backend, StrictForwardPorts=yes: no "ct status dnat accept")
    // writes, trimmed: its forward chain runs after Docker's and rejects what no zone allows.
    const auto web = start_web("it-nf-firewalld", 8099);
    HostChange table(sandbox(),
                     "nft -f - <<'EOF'\n"
                     "table inet firewalld {\n"
                     "  chain filter_FORWARD {\n"
                     "    type filter hook forward priority filter + 10; policy accept;\n"
                     "    ct state { established, related } accept\n"
                     "    iifname \"lo\" accept\n"
                     "    ct state invalid drop\n"
                     "    jump filter_FORWARD_ZONES\n"
                     "    reject with icmpx admin-prohibited\n"
                     "  }\n"
                     "  chain filter_FORWARD_ZONES {\n"
                     "    iifname \"docker0\" goto filter_FWD_docker\n"
                     "  }\n"
                     "  chain filter_FWD_docker {\n"
                     "    accept\n"
                     "  }\n"
                     "}\n"
                     "EOF\n",
                     "nft delete table inet firewalld");
    ASSERT_TRUE(table.result().ok()) << table.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8099, "rejected");
    // firewalld's table: named in firewalld's terms (its zones unread here: no firewalld runs),
    // fixed with firewall-cmd (tests/integration/firewalld_test.cpp runs such fixes for real).
    ASSERT_TRUE(reports_top_cause(d, "firewall.firewalld-zone", 2));
    const auto cause = d.json->at("causes").at(0);
    EXPECT_TRUE(any_line_contains(cause.at("evidence"), "firewalld's zones were not read: ")) << d.describe();
    const auto fixes = cause.at("fix").dump();
    EXPECT_NE(fixes.find("firewall-cmd --zone=docker --change-interface=docker0"), std::string::npos) << fixes;
    EXPECT_EQ(fixes.find("DOCKER-USER"), std::string::npos) << "an accept in DOCKER-USER changes nothing: " << fixes;
}

TEST_F(NetfilterGroundTruthTest, InputPolicyDropIsBypassedByThePublishedPort) {
    const auto web = start_web("it-nf-bypass", 8095);
    // A typical host firewall: loopback and replies allowed, everything else refused.
    HostChange firewall(sandbox(),
                        "iptables -I INPUT 1 -i lo -j ACCEPT; "
                        "iptables -I INPUT 2 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT; "
                        "iptables -P INPUT DROP",
                        "iptables -P INPUT ACCEPT; iptables -D INPUT -i lo -j ACCEPT; "
                        "iptables -D INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT");
    ASSERT_TRUE(firewall.result().ok()) << firewall.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8095, "forwarded");
    EXPECT_TRUE(reports_top_cause(d, "exposure.firewall-bypass", 1));

    // The fix keeps outside clients out, as the input policy intends: afterwards the warning
    // is gone, the client's real connection dies, and the diagnosis says the port is closed
    // in forward by the rule the fix added (critical: the client asked about cannot connect).
    const auto fix = apply_top_fix(d, "iptables-nft -I DOCKER-USER -i ext0 -d ");
    ASSERT_TRUE(fix && fix->result().ok());
    const auto after = diagnose_from_client(web.name());
    expect_path_matches_reality(after, 8095, "dropped");
    ASSERT_TRUE(reports_top_cause(after, "netfilter.forward-drop", 2)) << "after: " << fix->command();
    const auto ids = after.cause_ids();
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "exposure.firewall-bypass"), ids.end()) << after.describe();
    EXPECT_NE(client_path(after).value("decided_by", std::string()).find("ip filter DOCKER-USER"), std::string::npos)
        << after.describe();
}

TEST_F(NetfilterGroundTruthTest, LegacyForwardPolicyDropBesideNftRules) {
    const auto web = start_web("it-nf-legacy", 8096);
    HostChange legacy(sandbox(), "iptables-legacy -P FORWARD DROP", "iptables-legacy -P FORWARD ACCEPT");
    ASSERT_TRUE(legacy.result().ok()) << legacy.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8096, "dropped");
    ASSERT_TRUE(d.json) << d.describe();
    const auto ids = d.cause_ids();
    EXPECT_EQ(d.process.exit_code, 2) << d.describe();
    EXPECT_NE(std::find(ids.begin(), ids.end(), "netfilter.forward-drop"), ids.end()) << d.describe();
    EXPECT_NE(std::find(ids.begin(), ids.end(), "netfilter.backend-mismatch"), ids.end()) << d.describe();
    // The legacy side decides, so the fix is written for it, not for the nft rules.
    expect_top_fix_works(d, "iptables-legacy -P FORWARD ACCEPT", web.name(), 8096);
}

TEST_F(NetfilterGroundTruthTest, IpForwardOffDropsTheForwardedPacket) {
    const auto web = start_web("it-nf-ipfwd", 8097);
    HostChange sysctl(sandbox(), "sysctl -qw net.ipv4.ip_forward=0", "sysctl -qw net.ipv4.ip_forward=1");
    ASSERT_TRUE(sysctl.result().ok()) << sysctl.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8097, "dropped");
    EXPECT_TRUE(reports_top_cause(d, "kernel.ip-forward-disabled", 2));
    expect_top_fix_works(d, "sysctl -w net.ipv4.ip_forward=1", web.name(), 8097);
}

// What systemd-networkd leaves on a link it manages: ip_forward still 1, the client's
// interface switched off. The kernel reads the incoming interface's switch, so the port is
// dead; the report must name that setting, and its fix, run as the user would copy it, must
// bring the real connection and an ok diagnosis back.
TEST_F(NetfilterGroundTruthTest, InterfaceForwardingOffIsNamedAndItsFixWorks) {
    const auto web = start_web("it-nf-ifacefwd", 8120);
    HostChange sysctl(sandbox(), "sysctl -qw net.ipv4.conf.ext0.forwarding=0",
                      "sysctl -qw net.ipv4.conf.ext0.forwarding=1");
    ASSERT_TRUE(sysctl.result().ok()) << sysctl.result().describe();
    const auto global = sandbox().in_host({"cat", "/proc/sys/net/ipv4/ip_forward"});
    ASSERT_EQ(global.out, "1\n") << "global forwarding must stay on for this scenario";

    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8120, "dropped");
    ASSERT_TRUE(reports_top_cause(d, "kernel.interface-forwarding-off", 2));
    const auto ids = d.cause_ids();
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "kernel.ip-forward-disabled"), ids.end()) << d.describe();
    const auto& top = d.json->at("causes").at(0);
    const auto evidence = top.value("evidence", nlohmann::json::array());
    EXPECT_NE(std::find(evidence.begin(), evidence.end(),
                        "net.ipv4.conf.ext0.forwarding = 0 (/proc/sys/net/ipv4/conf/ext0/forwarding)"),
              evidence.end())
        << top.dump(2);

    expect_top_fix_works(d, "sysctl -w net.ipv4.conf.ext0.forwarding=1", web.name(), 8120);
}

// Strict reverse-path filtering on the client's interface: the evaluator takes the client's
// incoming interface from the host's route back to it, the route rp_filter checks, so the
// filter passes by construction; the real connection must agree.
TEST_F(NetfilterGroundTruthTest, StrictReversePathFilterOnTheClientsInterfacePasses) {
    const auto web = start_web("it-nf-rpfilter", 8121);
    const auto before = sandbox().in_host({"sysctl", "-n", "net.ipv4.conf.ext0.rp_filter", "net.ipv4.conf.all.rp_filter"});
    ASSERT_TRUE(before.ok()) << before.describe();
    std::istringstream values(before.out);
    std::string ext0_value, all_value;
    values >> ext0_value >> all_value;
    HostChange sysctl(sandbox(), "sysctl -qw net.ipv4.conf.ext0.rp_filter=1 net.ipv4.conf.all.rp_filter=1",
                      "sysctl -qw net.ipv4.conf.ext0.rp_filter=" + ext0_value +
                          " net.ipv4.conf.all.rp_filter=" + all_value);
    ASSERT_TRUE(sysctl.result().ok()) << sysctl.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8121, "forwarded");
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
}

TEST_F(NetfilterGroundTruthTest, DnatRuleFlushedFallsBackToTheProxy) {
    // Docker's DNAT for this port removed (what a `flush` of its nat chain does): the packet
    // now ends on the host, where docker-proxy (userland-proxy, the default) still answers.
    const auto web = start_web("it-nf-nodnat", 8098);
    HostChange flushed(sandbox(),
                       "iptables -t nat -S DOCKER | grep -e '--dport 8098 ' | sed 's/^-A/-D/' | "
                       "while read -r rule; do eval iptables -t nat $rule; done; "
                       "! iptables -t nat -S DOCKER | grep -q -e '--dport 8098 '",
                       "true");  // the container's removal takes the rest of its rules with it
    ASSERT_TRUE(flushed.result().ok()) << flushed.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8098, "delivered-local");
    ASSERT_TRUE(d.json) << d.describe();
    const auto ids = d.cause_ids();
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "netfilter.dnat-missing"), ids.end())
        << "the proxy still serves the port\n" << d.describe();
}

// When the test ends, restarts the sandbox engine if Docker's nat chain is still gone, so the
// tests after it find the sandbox as healthy as before, also when this one stops early.
class EngineRulesRestorer {
public:
    explicit EngineRulesRestorer(const Sandbox& sandbox) : sandbox_(sandbox) {}
    ~EngineRulesRestorer() {
        sandbox_.run_fix_command("iptables -t nat -S DOCKER >/dev/null 2>&1 || systemctl restart docker");
    }
    EngineRulesRestorer(const EngineRulesRestorer&) = delete;
    EngineRulesRestorer& operator=(const EngineRulesRestorer&) = delete;

private:
    const Sandbox& sandbox_;
};

// The first `backticked` command of a text, "" when there is none.
const nlohmann::json* cause_in(const Diagnosis& d, const std::string& id) {
    if (!d.json || !d.json->contains("causes")) return nullptr;
    for (const auto& c : d.json->at("causes"))
        if (c.value("id", std::string()) == id) return &c;
    return nullptr;
}

bool any_line_contains(const nlohmann::json& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const nlohmann::json& l) { return l.get<std::string>().find(needle) != std::string::npos; });
}

TEST_F(NetfilterGroundTruthTest, FlushedRulesetIsNamedAndTheEngineRestartFixesIt) {
    // What `systemctl restart nftables` does with Debian's /etc/nftables.conf plus a host
    // firewall: every table goes (Docker's too), then an input policy drop. docker-proxy
    // still listens, yet the client's packets now end in the input hook. The fix restarts
    // the engine, so the container must come back by itself (--restart always).
    ASSERT_TRUE(sandbox().run_fix_command("true").ok()) << "the sandbox has no stand-in service manager";
    const auto web = start_web("it-nf-flushed", 8099, {"--restart", "always"});
    const EngineRulesRestorer restorer(sandbox());
    HostChange flushed(sandbox(),
                       "nft flush ruleset; "
                       "nft 'add table inet filter; "
                       "add chain inet filter input { type filter hook input priority 0; policy drop; }; "
                       "add rule inet filter input iifname lo accept; "
                       "add rule inet filter input ct state established,related accept'",
                       "nft delete table inet filter");
    ASSERT_TRUE(flushed.result().ok()) << flushed.result().describe();

    const auto broken = diagnose_from_client(web.name());
    expect_path_matches_reality(broken, 8099, "dropped");
    ASSERT_TRUE(reports_top_cause(broken, "netfilter.docker-rules-missing", 2));
    const nlohmann::json& cause = *cause_in(broken, "netfilter.docker-rules-missing");
    EXPECT_EQ(cause.value("severity", std::string()), "critical");
    const auto& evidence = cause["evidence"];
    EXPECT_TRUE(any_line_contains(evidence, "in neither iptables-nft nor iptables-legacy: ip nat DOCKER, ip filter DOCKER"))
        << evidence.dump(2);
    EXPECT_TRUE(any_line_contains(evidence, "still listening on the host: tcp 0.0.0.0:8099")) << evidence.dump(2);
    EXPECT_TRUE(any_line_contains(evidence, "nftables now holds only: table inet filter")) << evidence.dump(2);
    const std::string command = top_fix_command(broken).value_or("");
    ASSERT_EQ(command, "systemctl restart docker") << cause["fix"].dump(2);

    // The fix, applied as written.
    const auto fixed = sandbox().run_fix_command(command);
    ASSERT_TRUE(fixed.ok()) << fixed.describe();
    ASSERT_TRUE(wait_for_state(web.name(), "{{.State.Running}}", "true", 60s));
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_TRUE(eventually([&] { return sandbox().client_connect(8099, 2s) == ConnectOutcome::open; }, 30s))
        << "the client still cannot connect after the engine's restart";

    // The input policy drop is still there; the restored DNAT bypasses it: that is the
    // warning the user now sees, and Docker's rules are no longer reported missing.
    const auto after = diagnose_from_client(web.name());
    expect_path_matches_reality(after, 8099, "forwarded");
    EXPECT_TRUE(reports_top_cause(after, "exposure.firewall-bypass", 1));
    EXPECT_EQ(cause_in(after, "netfilter.docker-rules-missing"), nullptr) << after.describe();
}

}  // namespace
}  // namespace dnd::test
