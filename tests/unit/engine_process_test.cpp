// The engine's process from its API socket: who listens (SO_PEERCRED), whether it is a
// dockerd, what its environment says about rootless, and the socket-activated case where
// systemd listens and dockerd only holds the socket.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "docker_fake_engine.hpp"
#include "docknetdoctor/engine_process.hpp"
#include "docknetdoctor/procfs_scan.hpp"
#include "fake_proc.hpp"

namespace dnd {
namespace {

using testing::FakeProc;
using testing::TempDir;
using namespace std::string_literals;

// A listening unix socket of this process, closed on destruction.
class Listening {
public:
    explicit Listening(const std::filesystem::path& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
              ::listen(fd_, 4) == 0;
    }
    ~Listening() {
        if (fd_ >= 0) ::close(fd_);
    }
    Listening(const Listening&) = delete;
    Listening& operator=(const Listening&) = delete;
    bool ok() const { return ok_; }

private:
    int fd_;
    bool ok_ = false;
};

TEST(EngineProcess, TheListenerOfASocketIsNamedByItsPeerCredentials) {
    TempDir dir;
    Listening listening(dir.path() / "engine.sock");
    ASSERT_TRUE(listening.ok());
    auto pid = unix_socket_listener_pid(dir.path() / "engine.sock");
    ASSERT_TRUE(pid) << pid.error().message;
    EXPECT_EQ(*pid, ::getpid());

    auto missing = unix_socket_listener_pid(dir.path() / "nothing.sock");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().source, "engine-process");
    EXPECT_NE(missing.error().message.find("nothing.sock"), std::string::npos) << missing.error().message;
}

TEST(EngineProcess, ThisTestIsNotADockerdSoTheSocketHoldersAreToBeSearched) {
    TempDir dir;
    Listening listening(dir.path() / "engine.sock");
    ASSERT_TRUE(listening.ok());
    auto search = find_listening_dockerd("/proc", dir.path() / "engine.sock");
    ASSERT_FALSE(search.found);
    EXPECT_TRUE(search.look_among_holders);
    EXPECT_NE(search.found.error().message.find("not dockerd"), std::string::npos) << search.found.error().message;

    // ... and among them there is no dockerd either: the caller asks /info.
    SocketOwnerScan scan("/proc");
    auto held = dockerd_holding_unix_listener("/proc", dir.path() / "engine.sock", scan);
    ASSERT_FALSE(held);
    EXPECT_NE(held.error().message.find("no dockerd holds"), std::string::npos) << held.error().message;
}

TEST(EngineProcess, DockerdEnvironmentDecidesRootless) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    proc.link("812/exe", "/usr/bin/dockerd");
    proc.write("812/environ", "PATH=/usr/bin\0ROOTLESSKIT_STATE_DIR=/run/user/1000/dockerd-rootless\0HOME=/home/dev\0"s);
    proc.link("900/exe", "/usr/sbin/dockerd (deleted)");  // upgraded under a running engine
    proc.write("900/environ", "PATH=/usr/bin\0NOTIFY_SOCKET=/run/systemd/notify\0"s);

    auto rootless = read_dockerd_process(proc.root(), 812, "listener of the API socket");
    ASSERT_TRUE(rootless) << rootless.error().message;
    EXPECT_EQ(rootless->pid, 812);
    EXPECT_EQ(rootless->exe, "/usr/bin/dockerd");
    EXPECT_EQ(rootless->found_as, "listener of the API socket");
    EXPECT_EQ(rootless->rootlesskit_state_dir, "/run/user/1000/dockerd-rootless");

    auto rootful = read_dockerd_process(proc.root(), 900, "listener of the API socket");
    ASSERT_TRUE(rootful) << rootful.error().message;
    EXPECT_EQ(rootful->rootlesskit_state_dir, std::nullopt);
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

// /proc/net/unix as a Debian 12 host with docker.socket shows it (abridged).
const std::string kProcNetUnix =
    "Num       RefCount Protocol Flags    Type St Inode Path\n"
    "0000000016451b29: 00000003 00000000 00000000 0001 03  1072\n"
    "00000000a63341b3: 00000002 00000000 00010000 0001 01 20518 /run/systemd/private\n"
    "00000000b1c2d3e4: 00000002 00000000 00010000 0001 01 23456 /run/docker.sock\n"
    "00000000c1c2d3e4: 00000003 00000000 00000000 0001 03 23999 /run/docker.sock\n"
    "00000000d1c2d3e4: 00000002 00000000 00010000 0001 01 24000 @/containerd-shim/abc.sock@\n";

TEST(EngineProcess, ListenerInodeByPathIgnoringConnectionsAndAbstractNames) {
    EXPECT_EQ(unix_listener_inode(kProcNetUnix, "/nonexistent-dnd/run/docker.sock"), std::nullopt);
    EXPECT_EQ(unix_listener_inode(kProcNetUnix, "/run/systemd/private"), 20518u);
    EXPECT_EQ(unix_listener_inode("garbage\n\n0: x y\n", "/run/docker.sock"), std::nullopt);
}

TEST(EngineProcess, ListenerInodeThroughASymlinkedDirectory) {
    // /var/run -> /run: the user asks for one name, the listener bound the other.
    TempDir dir;
    std::filesystem::create_directory(dir.path() / "run");
    std::ofstream(dir.path() / "run" / "docker.sock") << "";
    std::filesystem::create_directory_symlink(dir.path() / "run", dir.path() / "var-run");
    const std::string listed = (dir.path() / "run" / "docker.sock").string();
    const std::string table = "Num       RefCount Protocol Flags    Type St Inode Path\n"
                              "00000000b1c2d3e4: 00000002 00000000 00010000 0001 01 23456 " + listed + "\n";
    EXPECT_EQ(unix_listener_inode(table, (dir.path() / "var-run" / "docker.sock").string()), 23456u);
}

TEST(EngineProcess, SocketActivationFindsTheDockerdHoldingSystemdsSocket) {
    FakeProc proc;
    ASSERT_FALSE(proc.root().empty());
    const unsigned long host_netns = 4026531840;
    proc.write("thread-self/net/unix",
               "Num       RefCount Protocol Flags    Type St Inode Path\n"
               "00000000b1c2d3e4: 00000002 00000000 00010000 0001 01 23456 /nonexistent-dnd/docker.sock\n");
    proc.link("thread-self/ns/net", "net:[4026531840]");
    proc.process(1, "systemd", host_netns, {{40, "socket:[23456]"}});
    proc.link("1/exe", "/usr/lib/systemd/systemd");
    proc.process(655, "dockerd", 4026532999, {{3, "socket:[23456]"}});  // another netns: not ours
    proc.process(812, "dockerd", host_netns, {{3, "socket:[23456]"}, {7, "socket:[30000]"}});
    proc.link("812/exe", "/usr/sbin/dockerd");
    proc.write("812/environ", "PATH=/usr/bin\0LISTEN_FDS=1\0"s);

    SocketOwnerScan scan(proc.root());
    auto engine = dockerd_holding_unix_listener(proc.root(), "/nonexistent-dnd/docker.sock", scan);
    ASSERT_TRUE(engine) << engine.error().message;
    EXPECT_EQ(engine->pid, 812);
    EXPECT_EQ(engine->exe, "/usr/sbin/dockerd");
    EXPECT_NE(engine->found_as.find("socket activation"), std::string::npos) << engine->found_as;
    EXPECT_EQ(engine->rootlesskit_state_dir, std::nullopt);

    SocketOwnerScan other(proc.root());
    auto none = dockerd_holding_unix_listener(proc.root(), "/nonexistent-dnd/other.sock", other);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("no listener on /nonexistent-dnd/other.sock"), std::string::npos);
}

}  // namespace
}  // namespace dnd
