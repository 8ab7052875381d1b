// SELinux state read from a tree shaped like a host's (this kernel has no SELinux): the
// mode, booleans and config, the labels of the processes on the path, the denials of the
// window from auditd's log or from real journal files, and a host client found from its
// real TCP connection.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/selinux_collect.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

double now_epoch() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// nexus-cookbook#115's record, stamped at `when` (the window is the last hour).
std::string nginx_denial(double when, int port = 8081) {
    return fmt::format("type=AVC msg=audit({:.3f}:1081): avc:  denied  {{ name_connect }} for  pid=5642 comm=\"nginx\" "
                       "dest={} scontext=unconfined_u:system_r:httpd_t:s0 "
                       "tcontext=system_u:object_r:transproxy_port_t:s0 tclass=tcp_socket permissive=0",
                       when, port);
}

// An enforcing targeted host, as the tree holds it.
void enforcing_host(const fs::path& root) {
    write(root / "sys/fs/selinux/enforce", "1");
    write(root / "sys/fs/selinux/booleans/httpd_can_network_connect", "0 1");
    write(root / "sys/fs/selinux/booleans/httpd_can_network_relay", "0 0");
    write(root / "etc/selinux/config", "# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n");
}

TEST(SelinuxCollect, AHostWithoutSelinuxfsIsNotEnabledAndNothingElseIsRead) {
    TempDir root;
    SocketOwnerScan scan("/proc");
    auto s = collect_selinux(root.path().string(), "/proc", {}, scan, now_epoch());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE(s->enabled);
    EXPECT_THAT(s->not_enabled_why, HasSubstr("no " + root.path().string() + "/sys/fs/selinux"));
    EXPECT_FALSE(s->denials);  // not read
}

TEST(SelinuxCollect, ReadsModeConfigBooleansLabelsAndTheWindowsDenials) {
    TempDir root;
    enforcing_host(root.path());
    const int pid = ::getpid();
    write(root.path() / fmt::format("proc/{}/attr/current", pid), std::string("system_u:system_r:container_t:s0:c1,c2\0", 39));
    const double now = now_epoch();
    write(root.path() / "var/log/audit/audit.log",
          nginx_denial(now - 2 * kAvcWindowSeconds) + "\n" + nginx_denial(now - 60) + "\n");
    SocketOwnerScan scan("/proc");
    SelinuxSubjects subjects;
    subjects.processes = {{pid, ProcessRole::container_app}, {pid, ProcessRole::docker_proxy}};
    auto s = collect_selinux(root.path().string(), "/proc", subjects, scan, now);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->enabled);
    EXPECT_TRUE(s->enforcing);
    EXPECT_EQ(s->config_mode, "enforcing");
    EXPECT_EQ(s->policy_type, "targeted");
    ASSERT_NE(s->boolean("httpd_can_network_connect"), nullptr);
    EXPECT_FALSE(s->boolean("httpd_can_network_connect")->current);
    EXPECT_TRUE(s->boolean("httpd_can_network_connect")->pending);
    EXPECT_EQ(s->boolean("container_connect_any"), nullptr);  // not in this policy
    ASSERT_EQ(s->processes.size(), 1U);                        // one pid, labelled once
    EXPECT_EQ(s->processes[0].label, "system_u:system_r:container_t:s0:c1,c2");
    EXPECT_EQ(s->processes[0].role, ProcessRole::container_app);
    ASSERT_TRUE(s->denials) << s->denials.error().message;
    EXPECT_EQ(s->denials->source, root.path().string() + "/var/log/audit/audit.log");
    ASSERT_EQ(s->denials->denials.size(), 1U);  // the older one is outside the window
    EXPECT_EQ(s->denials->denials[0].comm, "nginx");
    EXPECT_FALSE(s->denials->tail_only);
}

TEST(SelinuxCollect, AnAuditLogThatCannotBeReadIsAnErrorNotAnEmptyLog) {
    TempDir root;
    enforcing_host(root.path());
    fs::create_directories(root.path() / "var/log/audit/audit.log");  // a directory: unreadable as a log
    SocketOwnerScan scan("/proc");
    auto s = collect_selinux(root.path().string(), "/proc", {}, scan, now_epoch());
    ASSERT_TRUE(s);
    ASSERT_FALSE(s->denials);
    EXPECT_THAT(s->denials.error().message, HasSubstr("is not a regular file"));
}

// A busy host's log: 1 GiB (sparse), the window's records at its end. Only the bound is read.
TEST(SelinuxCollect, OnlyTheEndOfAHugeAuditLogIsRead) {
    TempDir root;
    const fs::path log = root.path() / "audit.log";
    {
        UniqueFd fd(::open(log.c_str(), O_WRONLY | O_CREAT, 0600));
        ASSERT_TRUE(fd.valid());
        ASSERT_EQ(::ftruncate(fd.get(), off_t{1} << 30), 0);
    }
    const double now = now_epoch();
    std::ofstream(log, std::ios::app) << "\n" << nginx_denial(now - 5) << "\n";
    auto read = read_audit_log(log.string(), now - kAvcWindowSeconds, kAuditLogTailBytes);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(read->tail_only);
    EXPECT_LE(read->bytes_read, kAuditLogTailBytes);
    ASSERT_EQ(read->denials.size(), 1U);
    EXPECT_EQ(read->denials[0].dest, std::optional<std::uint16_t>(8081));
    EXPECT_EQ(read->skipped_lines, 0);  // the zeros before it are the record the bound cut: left out
}

// No auditd: the records are in the journal. Real journal files, written by
// systemd-journal-remote from the export format.
TEST(SelinuxCollect, WithoutAnAuditLogTheJournalIsRead) {
    if (::access("/lib/systemd/systemd-journal-remote", X_OK) != 0)
        GTEST_SKIP() << "needs systemd-journal-remote (scripts/setup.sh installs it)";
    TempDir root;
    enforcing_host(root.path());
    const std::string machine = "0123456789abcdef0123456789abcdef";
    write(root.path() / "etc/machine-id", machine + "\n");
    const auto now_usec = static_cast<long long>(now_epoch() * 1e6);
    std::string export_text;
    const auto entry = [&](long long usec, const std::string& transport, const std::string& message) {
        export_text += fmt::format("__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP=1\n_BOOT_ID={}\n_MACHINE_ID={}\n"
                                   "_TRANSPORT={}\nMESSAGE={}\n\n",
                                   usec, machine, machine, transport, message);
    };
    entry(now_usec - static_cast<long long>(2 * kAvcWindowSeconds * 1e6), "audit",
          "AVC avc:  denied  { name_connect } for  pid=1 comm=\"old\" dest=8081 scontext=u:r:httpd_t:s0 "
          "tcontext=u:object_r:transproxy_port_t:s0 tclass=tcp_socket permissive=0");
    entry(now_usec - 30'000'000, "audit",
          "AVC avc:  denied  { name_connect } for  pid=5642 comm=\"nginx\" dest=8081 scontext=u:r:httpd_t:s0 "
          "tcontext=u:object_r:transproxy_port_t:s0 tclass=tcp_socket permissive=0");
    entry(now_usec - 20'000'000, "syslog", "an unrelated line");
    entry(now_usec - 10'000'000, "kernel",
          fmt::format("audit: type=1400 audit({:.3f}:45): avc:  denied  {{ name_bind }} for  pid=7 comm=\"app\" src=80 "
                      "scontext=u:r:container_t:s0:c1,c2 tcontext=u:object_r:http_port_t:s0 tclass=tcp_socket "
                      "permissive=1",
                      (now_usec - 10'000'000) / 1e6));
    write(root.path() / "entries.export", export_text);
    const fs::path journal_dir = root.path() / "var/log/journal" / machine;
    fs::create_directories(journal_dir);
    const std::string command = fmt::format("/lib/systemd/systemd-journal-remote -o {}/system.journal {} 2>/dev/null",
                                            journal_dir.string(), (root.path() / "entries.export").string());
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    SocketOwnerScan scan("/proc");
    auto s = collect_selinux(root.path().string(), "/proc", {}, scan, now_usec / 1e6);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->denials) << s->denials.error().message;
    EXPECT_EQ(s->denials->source, "journal under " + root.path().string());
    ASSERT_EQ(s->denials->denials.size(), 2U);  // oldest first; the one before the window left out
    EXPECT_EQ(s->denials->denials[0].comm, "nginx");
    EXPECT_EQ(s->denials->denials[0].form, "journald");
    EXPECT_EQ(s->denials->denials[1].form, "kmsg");
    EXPECT_EQ(s->denials->denials[1].permissive, std::optional<bool>(true));
}

TEST(SelinuxCollect, NoAuditLogAndNoJournalIsAnError) {
    TempDir root;
    enforcing_host(root.path());
    SocketOwnerScan scan("/proc");
    auto s = collect_selinux(root.path().string(), "/proc", {}, scan, now_epoch());
    ASSERT_TRUE(s);
    ASSERT_FALSE(s->denials);
    EXPECT_THAT(s->denials.error().message, HasSubstr("no audit log and no journal files under"));
}

// A host process connected to a published port, found from its real socket: this test
// process connects to a listener of its own on loopback.
TEST(SelinuxCollect, AHostClientOfAPublishedPortIsFoundByItsConnection) {
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener.get(), 1), 0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    const std::uint16_t port = ntohs(address.sin_port);
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);

    SocketOwnerScan scan("/proc");
    SelinuxSubjects subjects;
    subjects.published_ports = {port};
    auto clients = host_clients(subjects, scan);
    ASSERT_TRUE(clients) << clients.error().message;
    ASSERT_EQ(clients->size(), 1U);
    EXPECT_EQ((*clients)[0].pid, ::getpid());
    EXPECT_EQ((*clients)[0].role, ProcessRole::host_client);
    EXPECT_EQ((*clients)[0].remote_port, port);
    EXPECT_THAT((*clients)[0].connection, HasSubstr(fmt::format("-> 127.0.0.1:{}", port)));

    subjects.published_ports = {static_cast<std::uint16_t>(port == 65535 ? 1 : port + 1)};
    auto none = host_clients(subjects, scan);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace dnd
