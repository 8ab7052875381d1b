#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "docknetdoctor/collect/engine_process.hpp"
#include "docknetdoctor/collect/procfs.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"
#include "fake_proc.hpp"
#include "fixture_files.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

using testing::FakeProc;
namespace fs = std::filesystem;

std::string read_fixture(const std::string& name) {
    const std::string path = testing::fixtures_root() + "/procfs/" + name;
    EXPECT_TRUE(fs::exists(path)) << "missing fixture " << name;
    return testing::read_text(path);
}

std::vector<Listener> parse_fixture(const std::string& name, Proto proto, int family) {
    auto parsed = parse_proc_net(read_fixture(name), proto, family);
    EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
    return parsed.value_or(std::vector<Listener>{});
}

// "address:port" for each listener, in file order: what a user would read.
std::vector<std::string> endpoints(const std::vector<Listener>& listeners) {
    std::vector<std::string> out;
    for (const auto& l : listeners) out.push_back(l.address + ":" + std::to_string(l.port));
    return out;
}

using Strings = std::vector<std::string>;

TEST(ProcNetParse, ContainerWebListensOnIpv6AnyPort80) {
    auto tcp6 = parse_fixture("container-web-tcp6.txt", Proto::tcp, 6);
    ASSERT_EQ(tcp6.size(), 1u);
    EXPECT_EQ(tcp6[0].address, "::");
    EXPECT_EQ(tcp6[0].port, 80);
    EXPECT_EQ(tcp6[0].family, 6);
    EXPECT_EQ(tcp6[0].proto, Proto::tcp);
    EXPECT_EQ(tcp6[0].inode, 6510u);
    EXPECT_TRUE(parse_fixture("container-web-tcp.txt", Proto::tcp, 4).empty());
    EXPECT_TRUE(parse_fixture("container-web-udp.txt", Proto::udp, 4).empty());
    EXPECT_TRUE(parse_fixture("container-web-udp6.txt", Proto::udp, 6).empty());
}

TEST(ProcNetParse, DockerProxyHoldsPublishedPortOnBothFamilies) {
    auto tcp = parse_fixture("netns-dndtry-tcp.txt", Proto::tcp, 4);
    EXPECT_EQ(endpoints(tcp), Strings{"0.0.0.0:8080"});
    ASSERT_EQ(tcp.size(), 1u);
    EXPECT_EQ(tcp[0].inode, 6457u);
    EXPECT_EQ(endpoints(parse_fixture("netns-dndtry-tcp6.txt", Proto::tcp, 6)), Strings{":::8080"});
}

TEST(ProcNetParse, TcpKeepsOnlyListenersNotConnections) {
    EXPECT_EQ(endpoints(parse_fixture("netns-loaded-tcp.txt", Proto::tcp, 4)),
              (Strings{"0.0.0.0:8080", "127.0.0.1:5000"}));
}

TEST(ProcNetParse, Ipv6AddressesIncludingMappedOnes) {
    EXPECT_EQ(endpoints(parse_fixture("netns-loaded-tcp6.txt", Proto::tcp, 6)),
              (Strings{"::ffff:127.0.0.1:9001", "::1:9000", ":::8443"}));
}

TEST(ProcNetParse, UdpKeepsBoundUnconnectedSockets) {
    auto udp = parse_fixture("netns-loaded-udp.txt", Proto::udp, 4);
    EXPECT_EQ(endpoints(udp), Strings{"0.0.0.0:53"});
    ASSERT_EQ(udp.size(), 1u);
    EXPECT_EQ(udp[0].proto, Proto::udp);
    EXPECT_EQ(udp[0].inode, 26401u);
    EXPECT_EQ(endpoints(parse_fixture("netns-loaded-udp6.txt", Proto::udp, 6)),
              (Strings{"::1:5353", ":::5354"}));
}

TEST(ProcNetParse, MalformedLinesAreErrors) {
    const std::string header =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    const std::string good =
        "   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 42 1 0 100 0 0 10 0\n";
    ASSERT_TRUE(parse_proc_net(header + good, Proto::tcp, 4).has_value());
    for (const std::string bad : {
             "   0: 0100007F:1388 00000000:0000 0A\n",                                             // truncated
             "   0: 0100007G:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 42\n",  // bad hex
             "   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 42\n",       // no port
             "   0: 00000000000000000000000001000000:1388 00000000:0000 0A 0:0 0:0 0 0 0 42\n",      // v6 in v4 file
             "   0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4x2\n",  // inode
         }) {
        auto parsed = parse_proc_net(header + good + bad, Proto::tcp, 4);
        ASSERT_FALSE(parsed.has_value()) << bad;
        EXPECT_EQ(parsed.error().source, "procfs");
        EXPECT_NE(parsed.error().message.find("line 3"), std::string::npos) << parsed.error().message;
        EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
    }
}

TEST(ProcNetParse, EmptyTextHasNoListeners) {
    auto parsed = parse_proc_net("", Proto::udp, 6);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_TRUE(parsed->empty());
}

const char* const kTcpHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

TEST(ProcOwners, OwnersAreProcessesOfTheSameNetnsHoldingTheSocket) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.process(100, "nginx", 4000, {{0, "/dev/null"}, {3, "socket:[111]"}, {5, "socket:[111]"}});
    proc.process(200, "nginx", 4000, {{7, "socket:[111]"}, {8, "pipe:[9]"}});
    proc.write("100/task/100/children", "200 ");  // the worker nginx forked
    proc.process(300, "intruder", 5000, {{3, "socket:[222]"}, {4, "socket:[111]"}});
    proc.write("400/comm", "vanished\n");  // no ns, no fd: gone mid-scan
    proc.write("self/comm", "not-a-pid\n");
    proc.write("100/net/tcp", std::string(kTcpHeader) +
                                  "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 111 1 0\n"
                                  "   1: 0100007F:0051 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 222 1 0\n");
    proc.write("100/net/udp", "   sl  local_address rem_address   st\n");
    // no tcp6/udp6: a kernel without IPv6

    SocketOwnerScan scan(proc.root());
    auto owners = scan.owners_of({111, 222}, 4000);
    ASSERT_EQ(owners.count(111), 1u);
    ASSERT_EQ(owners[111].size(), 2u);  // one entry per process, not per fd
    EXPECT_EQ(owners[111][0].pid, 100);
    EXPECT_EQ(owners[111][0].process, "nginx");
    EXPECT_EQ(owners[111][1].pid, 200);
    EXPECT_EQ(owners.count(222), 0u);  // held only by a process in another netns

    auto anywhere = SocketOwnerScan(proc.root()).owners_of({222}, 0);  // 0: every process
    ASSERT_EQ(anywhere[222].size(), 1u);
    EXPECT_EQ(anywhere[222][0].process, "intruder");

    auto listeners = read_listeners(proc.root(), 100);
    ASSERT_TRUE(listeners.has_value()) << listeners.error().message;
    EXPECT_EQ(endpoints(*listeners), (Strings{"0.0.0.0:80", "127.0.0.1:81"}));
    ASSERT_EQ((*listeners)[0].owners.size(), 2u);
    EXPECT_EQ((*listeners)[0].owners[1].pid, 200);
    EXPECT_TRUE((*listeners)[1].owners.empty());
}

// One container's diagnosis on a host of many processes: its own processes (the likely
// ones) answer, and nobody else's fd table is read; what they do not hold is looked for
// further, with the finder's children.
TEST(ProcOwners, TheLikelyProcessesAnswerFirstAndTheRestOnlyWhenNeeded) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.process(100, "httpd", 5000, {{3, "socket:[111]"}});
    proc.process(101, "worker", 5000, {{3, "socket:[111]"}});
    proc.write("100/task/100/children", "101\n");
    proc.process(200, "bystander", 5000, {{3, "socket:[111]"}});  // same socket, not in the tree
    proc.process(500, "relay", 5000, {{4, "socket:[444]"}});
    proc.process(501, "relay", 5000, {{4, "socket:[444]"}});
    proc.write("500/task/500/children", "501");

    SocketOwnerScan scan(proc.root());
    auto mine = scan.owners_of({111}, 5000, scan.process_tree(100));
    ASSERT_EQ(mine[111].size(), 2u);
    EXPECT_EQ(mine[111][0].pid, 100);
    EXPECT_EQ(mine[111][1].pid, 101);  // the bystander is not named: the tree answered

    // Had the bystander's fd table been read above, this socket would not be seen now.
    proc.link("200/fd/9", "socket:[333]");
    auto elsewhere = scan.owners_of({333, 444}, 5000, scan.process_tree(100));
    ASSERT_EQ(elsewhere[333].size(), 1u);
    EXPECT_EQ(elsewhere[333][0].process, "bystander");
    ASSERT_EQ(elsewhere[444].size(), 2u);  // found by the wider scan, with the finder's child
    EXPECT_EQ(elsewhere[444][0].pid, 500);
    EXPECT_EQ(elsewhere[444][1].pid, 501);
    EXPECT_TRUE(scan.owners_of({}, 5000).empty());
}

// When the likely processes hold every socket asked about, the host's process list (one
// entry per process on the host) is not even listed: a process that starts afterwards is
// still found by a later, wider question of the same scan.
TEST(ProcOwners, WhatTheLikelyProcessesAnswerDoesNotListTheHostsProcesses) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.process(100, "docker-proxy", 5000, {{3, "socket:[111]"}});
    SocketOwnerScan scan(proc.root());
    auto proxy = scan.owners_of({111}, 5000, {100});
    ASSERT_EQ(proxy[111].size(), 1u);
    EXPECT_EQ(proxy[111][0].pid, 100);

    proc.process(700, "late", 5000, {{3, "socket:[777]"}});  // not in a listing made above
    auto late = scan.owners_of({777}, 5000);
    ASSERT_EQ(late[777].size(), 1u) << "the first question listed /proc although the likely process answered";
    EXPECT_EQ(late[777][0].process, "late");
}

TEST(ProcOwners, AProcessTreeIsThePidThenWhatItStartedBreadthFirst) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.write("10/task/10/children", "11 12 ");
    proc.write("10/task/13/children", "14 ");  // a second thread's child
    proc.write("11/task/11/children", "15");
    proc.write("15/task/15/children", "10");  // a stale list pointing back: no loop
    SocketOwnerScan scan(proc.root());
    EXPECT_EQ(scan.children_of(10), (std::vector<int>{11, 12, 14}));
    EXPECT_EQ(scan.process_tree(10), (std::vector<int>{10, 11, 12, 14, 15}));
    EXPECT_EQ(scan.process_tree(99), (std::vector<int>{99}));
}

// Recorded from the sandbox engine (cgroupfs driver, hybrid hierarchy), trimmed, and a
// cgroup v2 host's systemd driver.
TEST(ProcCgroupParse, TheUnifiedLineWinsElseTheFirstHierarchy) {
    EXPECT_EQ(parse_proc_cgroup("9:name=systemd:/docker/08c61d4d9a97\n8:pids:/docker/08c61d4d9a97\n"
                                "0::/docker/08c61d4d9a97\n"),
              "/docker/08c61d4d9a97");
    EXPECT_EQ(parse_proc_cgroup("0::/system.slice/docker-08c61d4d9a97.scope\n"), "/system.slice/docker-08c61d4d9a97.scope");
    EXPECT_EQ(parse_proc_cgroup("12:pids:/docker/abc\n11:memory:/docker/abc\n"), "/docker/abc");
    EXPECT_EQ(parse_proc_cgroup(""), "");
    EXPECT_EQ(parse_proc_cgroup("garbage\n"), "");
}

TEST(ProcOwners, ListenerOwnersCarryTheirCgroup) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.process(100, "httpd", 4000, {{3, "socket:[111]"}});
    proc.write("100/cgroup", "0::/docker/c8e13c9e105e\n");
    proc.write("100/net/tcp", std::string(kTcpHeader) +
                                  "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 111 1 0\n");
    proc.write("100/net/udp", "   sl  local_address rem_address   st\n");

    auto listeners = read_listeners(proc.root(), 100);
    ASSERT_TRUE(listeners.has_value()) << listeners.error().message;
    ASSERT_EQ(listeners->size(), 1u);
    ASSERT_EQ((*listeners)[0].owners.size(), 1u);
    EXPECT_EQ((*listeners)[0].owners[0].cgroup, "/docker/c8e13c9e105e");
}

TEST(ProcOwners, UnreadableNetFileIsAnError) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.process(100, "app", 4000, {});
    proc.write("100/net/tcp", kTcpHeader);  // udp missing
    auto listeners = read_listeners(proc.root(), 100);
    ASSERT_FALSE(listeners.has_value());
    EXPECT_EQ(listeners.error().source, "procfs");
    EXPECT_EQ(listeners.error().message, "cannot read " + proc.root() + "/100/net/udp: No such file or directory");

    auto gone = read_listeners(proc.root(), 999);
    ASSERT_FALSE(gone.has_value());
    EXPECT_NE(gone.error().message.find("/999/net/tcp"), std::string::npos) << gone.error().message;
}

TEST(ProcOwners, MalformedNetFileIsAnError) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.write("100/net/tcp", std::string(kTcpHeader) + "garbage\n");
    auto listeners = read_listeners(proc.root(), 100);
    ASSERT_FALSE(listeners.has_value());
    EXPECT_EQ(listeners.error().source, "procfs");
    EXPECT_NE(listeners.error().message.find("malformed line 2"), std::string::npos) << listeners.error().message;
}

std::string own_comm() {
    std::ifstream in("/proc/self/comm");
    std::string comm;
    std::getline(in, comm);
    return comm;
}

// Binds (and for TCP listens) on 127.0.0.1 with a kernel-chosen port; returns the port.
int bind_loopback(int fd, bool listen) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
    if (listen && ::listen(fd, 1) != 0) return -1;
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
    return ntohs(addr.sin_port);
}

void expect_own_listener(Proto proto, int port) {
    auto listeners = read_listeners("/proc", 0);
    ASSERT_TRUE(listeners.has_value()) << listeners.error().message;
    auto it = std::find_if(listeners->begin(), listeners->end(), [&](const Listener& l) {
        return l.proto == proto && l.address == "127.0.0.1" && l.port == port;
    });
    ASSERT_NE(it, listeners->end()) << "127.0.0.1:" << port << " not found";
    ASSERT_EQ(it->owners.size(), 1u);
    EXPECT_EQ(it->owners[0].pid, ::getpid());
    EXPECT_EQ(it->owners[0].process, own_comm());
}

TEST(ProcLive, FindsOwnTcpListenerWithOwnPidAndComm) {
    const UniqueFd sock{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    ASSERT_GE(sock.get(), 0);
    int port = bind_loopback(sock.get(), true);
    ASSERT_GT(port, 0);
    expect_own_listener(Proto::tcp, port);
}

TEST(ProcLive, FindsOwnBoundUdpSocket) {
    const UniqueFd sock{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    ASSERT_GE(sock.get(), 0);
    int port = bind_loopback(sock.get(), false);
    ASSERT_GT(port, 0);
    expect_own_listener(Proto::udp, port);
}

// A process's arguments as the kernel writes them: each ended by a NUL, empty ones kept; a
// process that rewrote its command line may leave the last one unended.
TEST(ProcFiles, ArgvIsTheCommandLineSplitAtItsNuls) {
    testing::FakeProc proc;
    proc.write("10/cmdline", std::string("/usr/bin/docker-proxy") + '\0' + "-host-port" + '\0' + "30000" + '\0' + '\0');
    proc.write("11/cmdline", "nginx: worker process");
    proc.write("12/cmdline", "");  // a kernel thread
    EXPECT_EQ(read_argv(proc.root() + "/10"),
              (std::vector<std::string>{"/usr/bin/docker-proxy", "-host-port", "30000", ""}));
    EXPECT_EQ(read_argv(proc.root() + "/11"), (std::vector<std::string>{"nginx: worker process"}));
    EXPECT_EQ(read_argv(proc.root() + "/12"), std::vector<std::string>{});
    EXPECT_EQ(read_argv(proc.root() + "/13"), std::nullopt);
}

// One pass finds every wanted name: each gets its pids (none when nothing has the name),
// other processes and entries that are not pids are passed over, and a process that
// vanished (no comm left) is simply not found.
TEST(ProcFiles, ProcessesAreFoundByNameInOnePass) {
    testing::FakeProc proc;
    proc.write("10/comm", "dockerd\n");
    proc.write("11/comm", "sshd\n");
    proc.write("12/comm", "dockerd\n");
    proc.write("13/cmdline", "");  // exited between the listing and the read
    proc.write("sys/net/ipv4/ip_forward", "1\n");
    auto found = pids_by_comm(proc.root(), {"dockerd", "firewalld"});
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 2u);
    auto dockerd = found->at("dockerd");
    std::ranges::sort(dockerd);  // /proc's order is the directory's
    EXPECT_EQ(dockerd, (std::vector<int>{10, 12}));
    EXPECT_EQ(found->at("firewalld"), std::vector<int>{});
    EXPECT_EQ(pids_by_comm(proc.root() + "/absent", {"dockerd"}), std::nullopt);
}

// The engine's children read once, beside the engine's answers: which are docker-proxies of
// which host port (IPv4 and IPv6 proxies of one port alike); children without such a flag
// (containerd, a proxy of another make) are children all the same.
TEST(EngineChildren, ProxiesAreKnownByTheHostPortTheirCommandLineNames) {
    testing::FakeProc proc;
    auto proxy = [&](int pid, const std::string& ip, const std::string& port) {
        const std::string argv[] = {"/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", ip, "-host-port", port,
                                    "-container-ip", "172.17.0.2", "-container-port", "80"};
        std::string text;
        for (const auto& a : argv) text += a + '\0';
        proc.write(std::to_string(pid) + "/cmdline", text);
    };
    proc.write("50/task/50/children", "61 62 ");
    proc.write("50/task/51/children", "63 64 65 ");  // another of dockerd's threads started these
    proxy(61, "0.0.0.0", "30000");
    proxy(62, "::", "30000");
    proxy(63, "0.0.0.0", "30001");
    proc.write("64/cmdline", std::string("containerd\0--config\0/var/run/docker/containerd/containerd.toml\0", 63));
    proxy(65, "0.0.0.0", "3000x");  // not a port
    const EngineChildren engine = read_engine_children(proc.root(), 50);
    EXPECT_EQ(engine.children, (std::vector<int>{61, 62, 63, 64, 65}));
    ASSERT_EQ(engine.proxies_by_port.size(), 2u);
    EXPECT_EQ(engine.proxies_by_port.at(30000), (std::vector<int>{61, 62}));
    EXPECT_EQ(engine.proxies_by_port.at(30001), (std::vector<int>{63}));
}

}  // namespace
}  // namespace dnd
