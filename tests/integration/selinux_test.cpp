// SELinux on a real engine: this kernel has none, so the SELinux side is a tree shaped like
// an enforcing host's (DOCKNETDOCTOR_SELINUX_ROOT), holding real AVC records; the container,
// the published port, docker-proxy and a host client's connection are real.
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "sandbox_test.hpp"

namespace dnd::test {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

double now_epoch() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A fresh directory for the tree, removed with what it holds (nothing is mounted in it).
class TempTree {
public:
    TempTree() {
        std::string pattern = (fs::temp_directory_path() / "dnd-selinux-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    }
    ~TempTree() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// An enforcing targeted host with the web server booleans off (their defaults).
void enforcing_host(const fs::path& root) {
    write(root / "sys/fs/selinux/enforce", "1");
    write(root / "sys/fs/selinux/booleans/httpd_can_network_connect", "0 0");
    write(root / "sys/fs/selinux/booleans/httpd_can_network_relay", "0 0");
    write(root / "etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
}

// A process in the sandbox's host netns holding a TCP connection to 127.0.0.1:PORT, as a
// reverse proxy on the host would; killed on destruction.
class HostClient {
public:
    HostClient(const std::string& host_netns, int port) {
        int ready[2];
        if (::pipe(ready) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {  // only async-signal-safe calls from here
            ::close(ready[0]);
            const int ns = ::open(host_netns.c_str(), O_RDONLY | O_CLOEXEC);
            if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) ::_exit(1);
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(static_cast<std::uint16_t>(port));
            to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) ::_exit(2);
            const char ok = 'y';
            if (::write(ready[1], &ok, 1) != 1) ::_exit(3);
            ::pause();
            ::_exit(0);
        }
        ::close(ready[1]);
        char answer = 0;
        connected_ = pid_ > 0 && ::read(ready[0], &answer, 1) == 1 && answer == 'y';
        ::close(ready[0]);
    }
    ~HostClient() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    HostClient(const HostClient&) = delete;
    HostClient& operator=(const HostClient&) = delete;
    bool connected() const { return connected_; }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    bool connected_ = false;
};

class SelinuxTest : public SandboxTest {};

// "nginx on the host answers 502 for the site it proxies to my container on 8131": the AVC is
// in the audit log, the published port itself answers a client.
TEST_F(SelinuxTest, AHostProxysLoggedDenialIsTheTopCause) {
    const auto web = sandbox().run_container("it-selinux-denial", {"-p", "8131:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    EXPECT_EQ(sandbox().client_connect(8131), ConnectOutcome::open);
    TempTree root;
    enforcing_host(root.path());
    // nexus-cookbook#115's record (fixtures/selinux/answer-key/01), stamped a minute ago, port 8131.
    write(root.path() / "var/log/audit/audit.log",
          fmt::format("type=AVC msg=audit({:.3f}:1081): avc:  denied  {{ name_connect }} for  pid=5642 comm=\"nginx\" "
                      "dest=8131 scontext=unconfined_u:system_r:httpd_t:s0 tcontext=system_u:object_r:unreserved_port_t:s0 "
                      "tclass=tcp_socket permissive=0\n",
                      now_epoch() - 60));

    const auto diagnosis = sandbox().diagnose({"--format", "json", web.name()}, 120s,
                                              {{"DOCKNETDOCTOR_SELINUX_ROOT", root.path().string()}});

    EXPECT_TRUE(reports_top_cause(diagnosis, "selinux.denial", 2));
    EXPECT_EQ(top_fix_command(diagnosis), std::optional<std::string>("setsebool -P httpd_can_network_connect 1"))
        << diagnosis.describe();
    EXPECT_TRUE(any_line_contains(cause_with_id(diagnosis, "selinux.denial")["evidence"],
                                  "port 8131 is published for it-selinux-denial port 80/tcp"))
        << diagnosis.describe();
}

// "It worked until the reboot; now nginx's new connections to my container fail": a host
// process labelled httpd_t holds a real connection to the published port, both booleans off.
TEST_F(SelinuxTest, AConnectedHostProxyWithTheBooleanOffIsNamedBeforeAnyDenial) {
    const auto web = sandbox().run_container("it-selinux-proxy", {"-p", "8132:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    const HostClient proxy(sandbox().host_netns(), 8132);
    ASSERT_TRUE(proxy.connected());
    TempTree root;
    enforcing_host(root.path());
    write(root.path() / fmt::format("proc/{}/attr/current", proxy.pid()), "system_u:system_r:httpd_t:s0");
    write(root.path() / "var/log/audit/audit.log", "");

    const auto diagnosis = sandbox().diagnose({"--format", "json", web.name()}, 120s,
                                              {{"DOCKNETDOCTOR_SELINUX_ROOT", root.path().string()}});

    EXPECT_TRUE(reports_top_cause(diagnosis, "selinux.proxy-boolean-off", 2));
    EXPECT_EQ(top_fix_command(diagnosis), std::optional<std::string>("setsebool -P httpd_can_network_connect 1"))
        << diagnosis.describe();
    EXPECT_TRUE(any_line_contains(cause_with_id(diagnosis, "selinux.proxy-boolean-off")["evidence"],
                                  fmt::format("(pid {}) runs as system_u:system_r:httpd_t:s0", proxy.pid())))
        << diagnosis.describe();
}

// The same host with the boolean on, and this host as it is (no SELinux): no SELinux cause.
TEST_F(SelinuxTest, QuietWithTheBooleanOnAndOnAHostWithoutSelinux) {
    const auto web = sandbox().run_container("it-selinux-quiet", {"-p", "8133:80", image(), "httpd", "-f", "-p", "80"});
    ASSERT_TRUE(web.run_result().ok()) << web.run_result().describe();
    ASSERT_TRUE(wait_for_container_listener(web.name(), 80));
    const HostClient proxy(sandbox().host_netns(), 8133);
    ASSERT_TRUE(proxy.connected());
    TempTree root;
    enforcing_host(root.path());
    write(root.path() / "sys/fs/selinux/booleans/httpd_can_network_connect", "1 1");
    write(root.path() / fmt::format("proc/{}/attr/current", proxy.pid()), "system_u:system_r:httpd_t:s0");
    write(root.path() / "var/log/audit/audit.log", "");

    const auto allowed = sandbox().diagnose({"--format", "json", web.name()}, 120s,
                                            {{"DOCKNETDOCTOR_SELINUX_ROOT", root.path().string()}});
    EXPECT_TRUE(reports_top_cause(allowed, "", 0)) << allowed.describe();

    const auto no_selinux = diagnose_json(web.name());
    EXPECT_TRUE(reports_top_cause(no_selinux, "", 0)) << no_selinux.describe();
    ASSERT_TRUE(no_selinux.json);
    EXPECT_EQ(no_selinux.json->at("notes"), nlohmann::json::array({"SELinux is not enabled: no /sys/fs/selinux (the "
                                                                   "kernel runs without SELinux)"}))
        << no_selinux.describe();
}

}  // namespace
}  // namespace dnd::test
