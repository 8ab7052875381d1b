// Ground truth for the packet-path evaluator: in the sandbox, each scenario changes the
// host's real netfilter state or sysctls, then checks that the evaluator's verdict for the
// client namespace's packet (--from CLIENT_ADDR) agrees with what a real connection from
// the client namespace does, and that the right cause ranks first. Every change is undone
// when the test ends, also when it fails.
#include <algorithm>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

// A change to the sandbox host's netfilter/sysctl state with its undo, run on destruction.
class HostChange {
public:
    HostChange(const Sandbox& sandbox, const std::string& apply, std::string undo)
        : sandbox_(sandbox), undo_(std::move(undo)) {
        result_ = sandbox_.in_host({"sh", "-ec", apply});
    }
    ~HostChange() { sandbox_.in_host({"sh", "-c", undo_}); }
    HostChange(const HostChange&) = delete;
    HostChange& operator=(const HostChange&) = delete;
    const ProcessResult& result() const { return result_; }

private:
    const Sandbox& sandbox_;
    std::string undo_;
    ProcessResult result_;
};

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
        if (!d.json) return nullptr;
        for (const auto& p : d.json->value("paths", nlohmann::json::array()))
            if (p["packet"].value("saddr", std::string()) == sandbox().client_addr() &&
                p["packet"].value("daddr", std::string()) == sandbox().host_addr())
                return p;
        return nullptr;
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
}

TEST_F(NetfilterGroundTruthTest, DockerUserDropBySource) {
    const auto web = start_web("it-nf-user-src", 8092);
    const std::string spec = "DOCKER-USER -s " + sandbox().client_addr() + " -j DROP";
    HostChange rule(sandbox(), "iptables -I " + spec, "iptables -D " + spec);
    ASSERT_TRUE(rule.result().ok()) << rule.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8092, "dropped");
    EXPECT_TRUE(reports_top_cause(d, "netfilter.forward-drop", 2));
}

TEST_F(NetfilterGroundTruthTest, DockerUserRejectIsRefused) {
    const auto web = start_web("it-nf-reject", 8093);
    const std::string spec = "DOCKER-USER -p tcp --dport 80 -j REJECT --reject-with tcp-reset";
    HostChange rule(sandbox(), "iptables -I " + spec, "iptables -D " + spec);
    ASSERT_TRUE(rule.result().ok()) << rule.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8093, "rejected");
    EXPECT_TRUE(reports_top_cause(d, "netfilter.forward-drop", 2));
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
}

TEST_F(NetfilterGroundTruthTest, IpForwardOffDropsTheForwardedPacket) {
    const auto web = start_web("it-nf-ipfwd", 8097);
    HostChange sysctl(sandbox(), "sysctl -qw net.ipv4.ip_forward=0", "sysctl -qw net.ipv4.ip_forward=1");
    ASSERT_TRUE(sysctl.result().ok()) << sysctl.result().describe();
    const auto d = diagnose_from_client(web.name());
    expect_path_matches_reality(d, 8097, "dropped");
    EXPECT_TRUE(reports_top_cause(d, "kernel.ip-forward-disabled", 2));
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
std::string first_command_in(const std::string& text) {
    const auto open = text.find('`');
    const auto close = open == std::string::npos ? open : text.find('`', open + 1);
    return close == std::string::npos ? std::string() : text.substr(open + 1, close - open - 1);
}

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
    const std::string command = first_command_in(cause["fix"].at(0).get<std::string>());
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
