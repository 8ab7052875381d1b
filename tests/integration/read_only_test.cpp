// Read-only, proven: the sandbox host's state is snapshotted before and after every mode
// the tool has, and must be identical. What is compared: the nftables ruleset (without
// counters), the iptables-legacy tables that exist (reading one must never create it: a
// getsockopt on a table not in /proc/net/ip_tables_names instantiates it) and their rules,
// every sysctl under /proc/sys/net/{ipv4,ipv6,bridge,netfilter} (less the live counters),
// links, addresses, routes and rules, and the engine's containers. Where no probe runs, no
// conntrack entry may appear (a probe is a real connection, and the host keeps its entry as
// the kernel does for any connection); entries of earlier probes expire meanwhile, so the
// entries are compared by their tuples, not counted.
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "run_binary.hpp"
#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

class ReadOnlyTest : public SandboxTest {
protected:
    struct Snapshot {
        std::map<std::string, std::string> parts;  // what -> its text
        std::set<std::string> conntrack;            // each entry's protocol and tuples
    };

    // An entry of /proc/net/nf_conntrack as what identifies it: its protocol and the
    // src=, dst=, sport=, dport=, type=, code=, id= fields (state, timeout and counters move).
    static std::string conntrack_identity(const std::string& line) {
        std::istringstream words(line);
        std::string word, out;
        for (int i = 0; words >> word; ++i) {
            const bool tuple = word.starts_with("src=") || word.starts_with("dst=") || word.starts_with("sport=") ||
                               word.starts_with("dport=") || word.starts_with("type=") ||
                               word.starts_with("code=") || word.starts_with("id=");
            if (i == 2 || tuple) out += word + " ";
        }
        return out;
    }

    std::string in_host_text(const std::string& script) const {
        const auto r = sandbox().in_host({"sh", "-c", script}, 60s);
        return r.out + (r.ok() ? "" : "[exit " + std::to_string(r.exit_code) + ": " + r.err + "]");
    }

    Snapshot snapshot(bool with_conntrack) const {
        Snapshot s;
        s.parts["nftables"] = in_host_text("nft -s list ruleset");
        s.parts["ip_tables_names"] = in_host_text("cat /proc/net/ip_tables_names /proc/net/ip6_tables_names 2>/dev/null; true");
        // Chain counters ([packets:bytes]) move with traffic; the rules must not.
        s.parts["iptables-legacy"] = in_host_text(
            "for t in $(cat /proc/net/ip_tables_names 2>/dev/null); do iptables-legacy-save -t $t; done | "
            "sed -e 's/\\[[0-9]*:[0-9]*\\]//' -e '/^#/d'");
        s.parts["ip6tables-legacy"] = in_host_text(
            "for t in $(cat /proc/net/ip6_tables_names 2>/dev/null); do ip6tables-legacy-save -t $t; done | "
            "sed -e 's/\\[[0-9]*:[0-9]*\\]//' -e '/^#/d'");
        // Every readable sysctl with its value; nf_conntrack_count is the live table size.
        s.parts["sysctls"] = in_host_text(
            "cd /proc/sys/net && grep -rs --exclude=nf_conntrack_count . ipv4 ipv6 bridge netfilter | sort; true");
        // Bridge timers run on their own; every other link attribute must stay.
        s.parts["links"] = in_host_text("ip -d link show | sed -E 's/[a-z_]+_timer +[0-9.]+//g'");
        s.parts["addresses"] = in_host_text("ip addr show; ip -6 addr show");
        s.parts["routes"] = in_host_text("ip route show table all; ip -6 route show table all");
        s.parts["rules"] = in_host_text("ip rule show; ip -6 rule show");
        const auto containers = sandbox().docker({"ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}"});
        s.parts["containers"] = containers.out;
        if (with_conntrack) {
            std::istringstream lines(in_host_text("cat /proc/net/nf_conntrack"));
            for (std::string line; std::getline(lines, line);) s.conntrack.insert(conntrack_identity(line));
        }
        return s;
    }

    // Runs MODE and compares the host before and after it, part by part.
    void expect_unchanged(const std::string& mode, const std::vector<std::string>& args, bool probes) const {
        const Snapshot before = snapshot(!probes);
        const auto run = sandbox().diagnose(args);
        EXPECT_TRUE(run.process.exit_code >= 0 && run.process.exit_code <= 2) << mode << ": " << run.describe();
        const Snapshot after = snapshot(!probes);
        for (const auto& [part, text] : before.parts)
            EXPECT_EQ(text, after.parts.at(part)) << mode << " changed " << part;
        for (const std::string& entry : after.conntrack)
            EXPECT_TRUE(before.conntrack.contains(entry)) << mode << " made a conntrack entry: " << entry;
    }
};

TEST_F(ReadOnlyTest, NoModeChangesTheHost) {
    const auto web = sandbox().run_container("it-ro-web", {"-p", "8161:80", image(), "httpd", "-f", "-p", "80"});
    const auto broken =
        sandbox().run_container("it-ro-broken", {"-p", "8162:80", image(), "httpd", "-f", "-p", "127.0.0.1:80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(broken.run_result().ok()) << broken.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    ASSERT_TRUE(wait_for_container_listener(broken.name(), 80));
    // A new veth's IPv6 link-local address is "tentative" until duplicate address detection
    // ends, and then gains its local route: the kernel's change, not the tool's. Wait for it.
    ASSERT_TRUE(eventually(
        [&] {
            const auto addresses = sandbox().in_host({"ip", "-6", "addr", "show"});
            return addresses.ok() && addresses.out.find("tentative") == std::string::npos;
        },
        15s));

    char facts_path[] = "/tmp/dnd-ro-facts-XXXXXX";
    const int fd = ::mkstemp(facts_path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    const auto saved = sandbox().diagnose({"--save-facts", facts_path, "--format", "json", broken.name()});
    ASSERT_EQ(saved.process.exit_code, 2) << saved.describe();

    expect_unchanged("default", {broken.name()}, true);
    expect_unchanged("--all", {"--all"}, true);
    expect_unchanged("--to", {"--to", web.name() + ":80", broken.name()}, true);
    expect_unchanged("--no-probe", {"--no-probe", broken.name()}, false);
    expect_unchanged("--facts", {"--facts", facts_path}, false);
    expect_unchanged("--from", {"--from", sandbox().client_addr(), web.name()}, true);
    for (const char* format : {"json", "jsonl", "nagios", "prometheus", "junit"}) {
        expect_unchanged(std::string("--format ") + format, {"--format", format, web.name()}, true);
        expect_unchanged(std::string("--all --no-probe --format ") + format, {"--all", "--no-probe", "--format", format},
                         false);
    }
    expect_unchanged("list-containers", {"list-containers"}, false);
    ::unlink(facts_path);
}

}  // namespace
}  // namespace dnd::test
