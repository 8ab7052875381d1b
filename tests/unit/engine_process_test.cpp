// The engine's process from its API socket: who listens (SO_PEERCRED), whether it is a
// dockerd, what its environment says about rootless, and the socket-activated case where
// systemd listens and dockerd only holds the socket.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/collect/engine_process.hpp"
#include "fake_proc.hpp"

namespace dnd {
namespace {

using testing::FakeProc;
using testing::SilentSocket;
using testing::TempDir;
using namespace std::string_literals;

TEST(EngineProcess, TheListenerOfASocketIsNamedByItsPeerCredentials) {
    TempDir dir;
    const SilentSocket listening(dir.path() / "engine.sock");
    auto pid = unix_socket_listener_pid(dir.path() / "engine.sock");
    ASSERT_TRUE(pid) << pid.error().message;
    EXPECT_EQ(*pid, ::getpid());

    auto missing = unix_socket_listener_pid(dir.path() / "nothing.sock");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().source, "engine-process");
    EXPECT_NE(missing.error().message.find("nothing.sock"), std::string::npos) << missing.error().message;
}

TEST(EngineProcess, AListenerThatIsNotDockerdAndStartedNoneMeansAskingInfo) {
    TempDir dir;
    const SilentSocket listening(dir.path() / "engine.sock");
    auto engine = find_engine_process("/proc", dir.path() / "engine.sock");
    ASSERT_FALSE(engine);
    EXPECT_EQ(engine.error().source, "engine-process");
    EXPECT_NE(engine.error().message.find("is not dockerd, and no dockerd it started holds"), std::string::npos)
        << engine.error().message;
}

TEST(EngineProcess, DockerdEnvironmentDecidesRootless) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.link("812/exe", "/usr/bin/dockerd");
    proc.write("812/environ", "PATH=/usr/bin\0ROOTLESSKIT_STATE_DIR=/run/user/1000/dockerd-rootless\0HOME=/home/dev\0"s);
    proc.link("900/exe", "/usr/sbin/dockerd (deleted)");  // upgraded under a running engine
    proc.write("900/environ", "PATH=/usr/bin\0NOTIFY_SOCKET=/run/systemd/notify\0"s);
    proc.link("901/exe", "/usr/sbin/dockerd");
    proc.write("901/environ", "ROOTLESSKIT_STATE_DIR=\0HOME=/root\0"s);  // empty: unset, as dockerd reads it

    auto rootless = read_dockerd_process(proc.root(), 812, "listener of the API socket");
    ASSERT_TRUE(rootless) << rootless.error().message;
    EXPECT_EQ(rootless->pid, 812);
    EXPECT_EQ(rootless->exe, "/usr/bin/dockerd");
    EXPECT_EQ(rootless->found_as, "listener of the API socket");
    EXPECT_EQ(rootless->rootlesskit_state_dir, "/run/user/1000/dockerd-rootless");

    auto rootful = read_dockerd_process(proc.root(), 900, "listener of the API socket");
    ASSERT_TRUE(rootful) << rootful.error().message;
    EXPECT_EQ(rootful->rootlesskit_state_dir, std::nullopt);
    auto empty = read_dockerd_process(proc.root(), 901, "listener of the API socket");
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_EQ(empty->rootlesskit_state_dir, std::nullopt);
}

TEST(EngineProcess, OnlyAReadableDockerdCounts) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.link("1/exe", "/usr/lib/systemd/systemd");
    proc.write("1/environ", "HOME=/\0"s);
    proc.link("700/exe", "/usr/local/bin/dockerd-proxy");
    proc.write("700/environ", "HOME=/\0"s);
    proc.link("812/exe", "/usr/bin/dockerd");  // environ unreadable: left out

    for (int pid : {1, 700, 812, 999}) {
        auto process = read_dockerd_process(proc.root(), pid, "x");
        ASSERT_FALSE(process) << pid;
        EXPECT_EQ(process.error().source, "engine-process");
    }
    EXPECT_NE(read_dockerd_process(proc.root(), 1, "x").error().message.find("/usr/lib/systemd/systemd, not dockerd"),
              std::string::npos);
}

// /proc/net/unix as a Debian 12 host with docker.socket shows it (abridged; the docker.sock
// path moved to one that cannot exist here). Accepted connections at the same path come
// first: only the listener (Flags 00010000) counts.
const std::string kProcNetUnix =
    "Num       RefCount Protocol Flags    Type St Inode Path\n"
    "0000000016451b29: 00000003 00000000 00000000 0001 03  1072\n"
    "00000000c1c2d3e4: 00000003 00000000 00000000 0001 03 23999 /nonexistent-dnd/run/docker.sock\n"
    "00000000a63341b3: 00000002 00000000 00010000 0001 01 20518 /nonexistent-dnd/run/systemd/private\n"
    "00000000b1c2d3e4: 00000002 00000000 00010000 0001 01 23456 /nonexistent-dnd/run/docker.sock\n"
    "00000000d1c2d3e4: 00000002 00000000 00010000 0001 01 24000 @/containerd-shim/abc.sock@\n";

using Inodes = std::vector<unsigned long>;

TEST(EngineProcess, ListenerInodesByPathIgnoringConnectionsAndAbstractNames) {
    EXPECT_EQ(unix_listener_inodes(kProcNetUnix, "/nonexistent-dnd/run/docker.sock"), Inodes{23456});
    EXPECT_EQ(unix_listener_inodes(kProcNetUnix, "/nonexistent-dnd/run/systemd/private"), Inodes{20518});
    EXPECT_EQ(unix_listener_inodes(kProcNetUnix, "@/containerd-shim/abc.sock@"), Inodes{});
    EXPECT_EQ(unix_listener_inodes(kProcNetUnix, "/nonexistent-dnd/other.sock"), Inodes{});
    EXPECT_EQ(unix_listener_inodes("garbage\n\n0: x y\n", "/run/docker.sock"), Inodes{});
}

TEST(EngineProcess, ListenerInodesThroughASymlinkedDirectory) {
    // /var/run -> /run: the user asks for one name, the listener bound the other.
    TempDir dir;
    std::filesystem::create_directory(dir.path() / "run");
    std::ofstream(dir.path() / "run" / "docker.sock") << "";
    std::filesystem::create_directory_symlink(dir.path() / "run", dir.path() / "var-run");
    const std::string listed = (dir.path() / "run" / "docker.sock").string();
    const std::string table = "Num       RefCount Protocol Flags    Type St Inode Path\n"
                              "00000000b1c2d3e4: 00000002 00000000 00010000 0001 01 23456 " + listed + "\n";
    EXPECT_EQ(unix_listener_inodes(table, (dir.path() / "var-run" / "docker.sock").string()), Inodes{23456});
}

// This test process listens, as systemd would; the fake /proc says it is systemd, holding
// the socket as fd 40, with three children: 655, a dockerd holding another socket bound at
// the same path (in a mount namespace of its own, say) and claiming to be rootless; 700,
// not a dockerd but holding the socket; 812, the dockerd it handed the socket to.
// A socket this test process listens on, and a fake /proc in which the test process is `me`.
class ListenerInFakeProc : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_FALSE(proc.root().empty()); }
    TempDir dir;
    const std::string socket_path = (dir.path() / "docker.sock").string();
    const SilentSocket listening{socket_path};
    FakeProc proc;
    const std::string me = std::to_string(::getpid());
};

TEST_F(ListenerInFakeProc, SocketActivationFindsTheDockerdTheListenerHandedTheSocketTo) {
    proc.write("thread-self/net/unix", "Num       RefCount Protocol Flags    Type St Inode Path\n"
                                       "00000000b1c2d3e4: 00000002 00000000 00010000 0001 01 23456 " + socket_path + "\n"
                                       "00000000b1c2d3e5: 00000002 00000000 00010000 0001 01 24000 " + socket_path + "\n");
    proc.link(me + "/exe", "/usr/lib/systemd/systemd");
    proc.link(me + "/fd/40", "socket:[23456]");
    proc.write(me + "/task/" + me + "/children", "655 700 812 ");
    proc.link("655/exe", "/tmp/x/dockerd");
    proc.link("655/fd/3", "socket:[24000]");
    proc.write("655/environ", "ROOTLESSKIT_STATE_DIR=/tmp/x\0"s);
    proc.link("700/exe", "/usr/bin/socat");
    proc.link("700/fd/3", "socket:[23456]");
    proc.link("812/exe", "/usr/sbin/dockerd");
    proc.link("812/fd/3", "socket:[23456]");
    proc.link("812/fd/7", "socket:[30000]");
    proc.write("812/environ", "PATH=/usr/bin\0LISTEN_FDS=1\0"s);

    auto engine = find_engine_process(proc.root(), socket_path);
    ASSERT_TRUE(engine) << engine.error().message;
    EXPECT_EQ(engine->pid, 812);
    EXPECT_EQ(engine->exe, "/usr/sbin/dockerd");
    EXPECT_EQ(engine->found_as,
              "holds the API socket, which /usr/lib/systemd/systemd (pid " + me + ") listens on: socket activation");
    EXPECT_EQ(engine->rootlesskit_state_dir, std::nullopt);

    // Without the hand-over, no dockerd: /info is asked.
    std::filesystem::remove(std::filesystem::path(proc.root()) / "812" / "fd" / "3");
    auto none = find_engine_process(proc.root(), socket_path);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("no dockerd it started holds"), std::string::npos) << none.error().message;
}

TEST_F(ListenerInFakeProc, ADockerdListeningItselfIsTheEngine) {
    proc.link(me + "/exe", "/usr/bin/dockerd");
    proc.write(me + "/environ", "ROOTLESSKIT_STATE_DIR=/run/user/1000/dockerd-rootless\0"s);

    auto engine = find_engine_process(proc.root(), socket_path);
    ASSERT_TRUE(engine) << engine.error().message;
    EXPECT_EQ(engine->pid, ::getpid());
    EXPECT_EQ(engine->found_as, "listener of the API socket");
    EXPECT_EQ(engine->rootlesskit_state_dir, "/run/user/1000/dockerd-rootless");
}

}  // namespace
}  // namespace dnd
