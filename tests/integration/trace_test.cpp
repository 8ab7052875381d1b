// trace against the real engine and kernel: the traced verdict must be the real client's
// outcome and the evaluator's prediction; the trace's table must be gone however the trace
// ends (normal exit, SIGINT, SIGTERM, SIGKILL), leaving the ruleset as it was; without
// CAP_NET_ADMIN it must say so in one line and trace nothing.
#include <csignal>
#include <memory>

#include "host_change.hpp"
#include "schema_validation.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class TraceTest : public SandboxTest {
protected:
    // The rules as a person compares them: nftables without counters (nft -s), and the
    // iptables-legacy tables with their chain counters taken out.
    std::string ruleset() const {
        const auto rules = sandbox().in_host(
            {"sh", "-c", "nft -s list ruleset; iptables-legacy-save 2>/dev/null | sed -e '/^#/d' -e 's/\\[[0-9]*:[0-9]*\\]//'"});
        EXPECT_TRUE(rules.ok()) << rules.describe();
        return rules.out;
    }
    // The netfilter loggers of IPv4 and IPv6 the trace binds while iptables-legacy has tables.
    std::string loggers() const {
        return sandbox().in_host({"cat", "/proc/sys/net/netfilter/nf_log/2", "/proc/sys/net/netfilter/nf_log/10"}).out;
    }
    bool trace_table_present() const {
        return sandbox().in_host({"nft", "list", "tables"}).out.find("docknetdoctor_trace") != std::string::npos;
    }
    Diagnosis trace(const std::vector<std::string>& args) const {
        std::vector<std::string> all{"trace", "--format", "json"};
        all.insert(all.end(), args.begin(), args.end());
        auto d = sandbox().diagnose(all, 60s);
        if (d.json) {
            EXPECT_TRUE(validate_against_schema(*d.json, trace_schema_path()));
        }
        return d;
    }
    // TOOL (iptables or iptables-legacy) drops what reaches CONTAINER's port 80 in CHAIN, undone
    // when the result goes; the client's real connection to HOST_PORT then times out.
    std::unique_ptr<HostChange> drop_to(const ScopedContainer& c, const std::string& tool, const std::string& chain,
                                        int host_port) {
        const std::string ip = sandbox().inspect(c.name(), "{{.NetworkSettings.IPAddress}}");
        const std::string rule = chain + " -p tcp -d " + ip + " --dport 80 -j DROP";
        auto drop = std::make_unique<HostChange>(sandbox(), tool + " -I " + rule, tool + " -D " + rule);
        EXPECT_TRUE(drop->result().ok()) << drop->result().describe();
        EXPECT_EQ(sandbox().client_connect(host_port, 1s), ConnectOutcome::timeout);
        return drop;
    }
    // The traced packet was refused (exit 2, as the real connection was), and the
    // evaluator had predicted the same.
    Diagnosis expect_traced_drop(const ScopedContainer& c) const {
        auto d = trace({c.name(), "--send", sandbox().client_netns()});
        EXPECT_TRUE(d.json) << d.describe();
        if (!d.json) return d;
        EXPECT_EQ(d.process.exit_code, 2) << d.describe();
        EXPECT_EQ(d.json->value("verdict", std::string()), "dropped") << d.describe();
        EXPECT_EQ((*d.json)["comparison"].value("outcome", std::string()), "confirmed") << d.describe();
        return d;
    }
    ScopedContainer web(const std::string& name, const std::string& publish) {
        auto c = sandbox().run_container(name, {"-p", publish, image(), "httpd", "-f", "-p", "80"});
        EXPECT_TRUE(c.run_result().ok()) << c.run_result().describe();
        EXPECT_TRUE(wait_for_container_listener(c.name(), 80));
        return c;
    }
};

TEST_F(TraceTest, AnOpenPathIsTracedAsTheClientSeesItAndConfirmed) {
    auto c = web("it-trace-open", "8190:80");
    const std::string before = ruleset();
    ASSERT_EQ(sandbox().client_connect(8190), ConnectOutcome::open);

    const auto d = trace({c.name(), "--send", sandbox().client_netns()});
    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
    EXPECT_EQ(d.json->value("verdict", std::string()), "forwarded") << d.describe();
    const auto& traced = (*d.json)["traced"];
    EXPECT_EQ(traced["packet"].value("saddr", std::string()), sandbox().client_addr()) << d.describe();
    EXPECT_EQ(traced["packet"].value("dport", 0), 8190) << d.describe();
    EXPECT_EQ(traced["final_packet"].value("dport", 0), 80) << "the trace shows Docker's DNAT\n" << d.describe();
    EXPECT_EQ((*d.json)["comparison"].value("outcome", std::string()), "confirmed") << d.describe();
    // The flow's conntrack entry: DNAT'd to the container's address and port.
    const auto& entry = (*d.json)["conntrack"];
    ASSERT_TRUE(entry.is_object()) << d.describe();
    EXPECT_EQ(entry.value("orig_src", std::string()), sandbox().client_addr());
    EXPECT_EQ(entry.value("reply_src", std::string()), sandbox().inspect(c.name(), "{{.NetworkSettings.IPAddress}}"));
    EXPECT_EQ(entry.value("reply_sport", 0), 80);
    EXPECT_EQ(ruleset(), before) << "the trace left the ruleset changed";
    EXPECT_FALSE(trace_table_present());
}

TEST_F(TraceTest, ADockerUserDropIsNamedAsTheKernelMadeItAndTheClientTimesOut) {
    auto c = web("it-trace-drop", "8191:80");
    const auto drop = drop_to(c, "iptables", "DOCKER-USER", 8191);
    const auto d = expect_traced_drop(c);
    ASSERT_TRUE(d.json);
    EXPECT_NE((*d.json)["traced"].value("decided_by", std::string()).find("DOCKER-USER"), std::string::npos) << d.describe();
    EXPECT_EQ((*d.json)["traced"].value("decided_hook", std::string()), "forward") << d.describe();
}

TEST_F(TraceTest, FromTheHostItselfThePacketIsSentToTheContainer) {
    auto c = web("it-trace-host", "8192:80");
    const auto d = trace({c.name(), "--send", "host"});
    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
    EXPECT_EQ(d.json->value("verdict", std::string()), "sent") << d.describe();
    EXPECT_EQ((*d.json)["traced"].value("out_interface", std::string()), "docker0") << d.describe();
    EXPECT_EQ((*d.json)["traced"]["packet"].value("iif", std::string("?")), "") << d.describe();
}

// A container that publishes only UDP: --send sends one datagram, and every datagram to the
// port is traced (UDP has no SYN to single out).
TEST_F(TraceTest, AUdpOnlyPortIsTracedWithOneDatagram) {
    auto c = sandbox().run_container("it-trace-udp", {"-p", "8197:53/udp", image(), "sleep", "1000"});
    ASSERT_TRUE(c.run_result().ok()) << c.run_result().describe();
    const auto d = trace({c.name(), "--send", sandbox().client_netns()});
    ASSERT_TRUE(d.json) << d.describe();
    EXPECT_EQ(d.process.exit_code, 0) << d.describe();
    EXPECT_EQ(d.json->value("verdict", std::string()), "forwarded") << d.describe();
    EXPECT_EQ((*d.json)["traced"]["packet"].value("proto", std::string()), "udp") << d.describe();
    EXPECT_EQ((*d.json)["traced"]["final_packet"].value("dport", 0), 53) << d.describe();
    EXPECT_NE(d.process.err.find("sending a datagram to " + sandbox().host_addr() + ":8197"), std::string::npos)
        << d.describe();
}

TEST_F(TraceTest, NoClientWithinTheTimeoutIsExit3InOneLine) {
    auto c = web("it-trace-wait", "8193:80");
    const std::string before = ruleset();
    const auto d = sandbox().diagnose({"trace", c.name(), "--timeout", "1s"}, 30s);
    EXPECT_EQ(d.process.exit_code, 3) << d.describe();
    EXPECT_TRUE(d.process.out.empty()) << d.describe();
    EXPECT_NE(d.process.err.find("no packet to 8193/tcp came within 1 s: nothing traced"), std::string::npos) << d.describe();
    EXPECT_EQ(ruleset(), before);
}

// The table goes with the process whatever ends it: the kernel removes an owned table when
// its socket closes, so SIGKILL, which runs no code of ours, must leave nothing either. With
// iptables-legacy tables on the host the trace also binds nfnetlink_log as the netfilter
// logger (net.netfilter.nf_log.2 and .10): those are given back too, after SIGKILL by the
// guard process (asynchronously: it wakes when the killed process's pipe end closes), also
// when the SIGKILL goes to the whole process group, as a shell's `kill -9 %1` sends it.
TEST_F(TraceTest, TheTableAndTheLoggersAreAsBeforeAfterSigintSigtermAndSigkill) {
    auto c = web("it-trace-signals", "8194:80");
    const std::string legacy_rule = "FORWARD -p tcp --dport 9 -j ACCEPT";
    HostChange legacy(sandbox(), "iptables-legacy -A " + legacy_rule, "iptables-legacy -D " + legacy_rule);
    ASSERT_TRUE(legacy.result().ok()) << legacy.result().describe();
    const std::string before = ruleset();
    const std::string loggers_before = loggers();
    ASSERT_EQ(loggers_before.find("nfnetlink_log"), std::string::npos) << loggers_before;
    // A pass that fails must not leave the loggers bound for the tests after this one.
    std::string give_back = "true";
    for (const std::string family : {"2", "10"}) {
        const std::string path = "/proc/sys/net/netfilter/nf_log/" + family;
        const std::string value = sandbox().in_host({"cat", path}).out;
        give_back += "; echo " + value.substr(0, value.find('\n')) + " > " + path;
    }
    const HostChange give_back_loggers(sandbox(), "true", give_back);
    using Target = BackgroundProcess::SignalTarget;
    for (const auto& [signal, target] : {std::pair{SIGINT, Target::process}, std::pair{SIGTERM, Target::process},
                                         std::pair{SIGKILL, Target::process}, std::pair{SIGKILL, Target::process_group}}) {
        SCOPED_TRACE(std::string(::strsignal(signal)) + (target == Target::process_group ? " to the process group" : ""));
        std::string error;
        auto running = sandbox().start_in_host(
            {"env", "DOCKER_HOST=" + sandbox().docker_host(), "sh", "-c",
             std::string("exec ") + DND_BINARY + " trace " + c.name() + " --timeout 60s 2>/dev/null"},
            &error);
        ASSERT_TRUE(running.running()) << error;
        ASSERT_TRUE(eventually([&] { return trace_table_present(); }, 20s, 50ms)) << "the trace never armed";
        EXPECT_NE(loggers().find("nfnetlink_log"), std::string::npos) << "the trace follows iptables-legacy's records";
        const int code = running.signal_and_wait(signal, 10s, target);
        EXPECT_EQ(code, signal == SIGKILL ? 128 + SIGKILL : 3);
        EXPECT_FALSE(trace_table_present());
        EXPECT_EQ(ruleset(), before);
        EXPECT_TRUE(eventually([&] { return loggers() == loggers_before; }, 2s, 20ms)) << loggers();
    }
}

TEST_F(TraceTest, AnIptablesLegacyDropIsNamedFromItsOwnTraceRecord) {
    auto c = web("it-trace-legacy", "8196:80");
    const auto drop = drop_to(c, "iptables-legacy", "FORWARD", 8196);
    const std::string loggers_before = loggers();
    const auto d = expect_traced_drop(c);
    EXPECT_EQ(loggers(), loggers_before) << "the loggers are given back at a normal exit";
    ASSERT_TRUE(d.json);
    const std::string container_ip = sandbox().inspect(c.name(), "{{.NetworkSettings.IPAddress}}");
    const std::string decided_by = (*d.json)["traced"].value("decided_by", std::string());
    EXPECT_TRUE(decided_by.starts_with("iptables-legacy ip filter FORWARD rule 1: ")) << decided_by;
    EXPECT_NE(decided_by.find("ip daddr " + container_ip), std::string::npos) << decided_by;
    EXPECT_TRUE((*d.json)["blind_spots"].empty()) << d.describe();
}

TEST_F(TraceTest, WithoutNetAdminItSaysWhyAndTracesNothing) {
    auto c = web("it-trace-nocap", "8195:80");
    const std::string before = ruleset();
    const auto d = sandbox().in_host({"env", "DOCKER_HOST=" + sandbox().docker_host(), "setpriv", "--inh-caps=-net_admin",
                                      "--bounding-set=-net_admin", DND_BINARY, "trace", c.name(), "--send", "host"},
                                     60s);
    EXPECT_EQ(d.exit_code, 3) << d.describe();
    EXPECT_NE(d.err.find("needs CAP_NET_ADMIN"), std::string::npos) << d.describe();
    EXPECT_EQ(std::count(d.err.begin(), d.err.end(), '\n'), 1) << d.describe();
    EXPECT_EQ(ruleset(), before);
}

}  // namespace
}  // namespace dnd::test
