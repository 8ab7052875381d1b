// firewalld over D-Bus when it cannot answer: no bus socket, a bus that accepts and never
// speaks (bounded by the timeout), a connection closed at once, and a real bus (dbus-daemon)
// without firewalld on it. Each falls back to the configuration files with the reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <unistd.h>

#include "docknetdoctor/collect/firewalld_collect.hpp"
#include "run_binary.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;
using ::testing::AnyOf;
using ::testing::HasSubstr;

const std::string kRhel9 = std::string(DND_SOURCE_DIR) + "/fixtures/firewalld/rhel9-firewalld-1.3";

// A listening unix socket in a fresh directory, closed and removed at the end.
class UnixListener {
public:
    UnixListener() {
        char dir[] = "/tmp/dnd-bus-XXXXXX";
        dir_ = ::mkdtemp(dir);
        path_ = dir_ + "/bus";
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        path_.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
        ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(fd_, 4) == 0;
    }
    ~UnixListener() {
        if (fd_ >= 0) ::close(fd_);
        std::filesystem::remove_all(dir_);
    }
    bool ok() const { return ok_; }
    int fd() const { return fd_; }
    std::string address() const { return "unix:path=" + path_; }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    std::string path_;
    int fd_ = -1;
    bool ok_ = false;
};

FirewalldReadOptions options_for(const std::string& address, std::chrono::milliseconds timeout) {
    FirewalldReadOptions o;
    o.root = kRhel9;
    o.bus_address = address;
    o.timeout = timeout;
    o.interfaces = {"docker0"};
    return o;
}

TEST(FirewalldBus, NoBusSocketFallsBackToTheFilesSayingWhy) {
    const FirewalldState s = read_firewalld_state(options_for("unix:path=/nonexistent/dnd/bus", 1s));
    EXPECT_EQ(s.source, FirewalldSource::files);
    EXPECT_THAT(s.runtime_unread, HasSubstr("cannot connect to the system bus at unix:path=/nonexistent/dnd/bus"));
    EXPECT_THAT(s.runtime_unread, HasSubstr("No such file or directory"));
    EXPECT_NE(find_zone(s, "docker"), nullptr);  // the rest is read
}

TEST(FirewalldBus, ABusThatNeverAnswersIsBoundedByTheTimeout) {
    UnixListener silent;  // accepts (the kernel queues the connection) and never speaks
    ASSERT_TRUE(silent.ok());
    const auto start = std::chrono::steady_clock::now();
    const FirewalldState s = read_firewalld_state(options_for(silent.address(), 300ms));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(s.source, FirewalldSource::files);
    EXPECT_THAT(s.runtime_unread, HasSubstr("the system bus at " + silent.address() + ": getDefaultZone: no answer in time"));
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s);  // sd-bus's own wait would be 25 s
}

// Nothing of firewalld's seen here (no pid file, unit, process or rules): the bus is not
// asked at all, not even a silent one, and the files say what is configured.
TEST(FirewalldBus, NotAskedWhereFirewalldIsNotSeenRunning) {
    UnixListener silent;
    ASSERT_TRUE(silent.ok());
    FirewalldReadOptions options = options_for(silent.address(), 5s);
    options.may_run = false;
    const auto start = std::chrono::steady_clock::now();
    const FirewalldState s = read_firewalld_state(options);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(s.source, FirewalldSource::files);
    EXPECT_EQ(s.runtime_unread, "firewalld is not running (no pid file, unit, process or rules of its own)");
    EXPECT_NE(find_zone(s, "docker"), nullptr);
}

TEST(FirewalldBus, AConnectionClosedAtOnceIsNamed) {
    UnixListener closing;
    ASSERT_TRUE(closing.ok());
    std::thread closer([&closing] {
        // Closed once the client has begun its handshake: its calls are then pending.
        const int peer = ::accept(closing.fd(), nullptr, nullptr);
        if (peer < 0) return;
        char first = 0;
        (void)::read(peer, &first, 1);
        ::close(peer);
    });
    const FirewalldState s = read_firewalld_state(options_for(closing.address(), 2s));
    closer.join();
    EXPECT_EQ(s.source, FirewalldSource::files);
    EXPECT_THAT(s.runtime_unread, HasSubstr("the system bus at " + closing.address() + ": "));
    // sd-bus ends the pending calls, or sees the close first while writing.
    EXPECT_THAT(s.runtime_unread, AnyOf(HasSubstr("Connection terminated"), HasSubstr("the connection broke")));
}

// A user the bus socket does not let in (here: nobody, and a socket in root's 0700
// directory): named with the reason, as an unprivileged run sees it.
TEST(FirewalldBus, NoPermissionOnTheBusIsNamed) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
    UnixListener guarded;
    ASSERT_TRUE(guarded.ok());
    ASSERT_EQ(::chmod(guarded.dir().c_str(), 0700), 0);
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(out[0]);
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
        const FirewalldState s = read_firewalld_state(options_for(guarded.address(), 1s));
        const std::string said = s.runtime_unread;
        const bool written = ::write(out[1], said.data(), said.size()) == static_cast<ssize_t>(said.size());
        ::_exit(written ? 0 : 3);
    }
    ::close(out[1]);
    std::string said;
    char buffer[512];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) said.append(buffer, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_EQ(said, "cannot connect to the system bus at " + guarded.address() + ": Permission denied");
}

TEST(FirewalldBus, ARealBusWithoutFirewalldSaysFirewalldIsNotRunning) {
    if (::access("/usr/bin/dbus-daemon", X_OK) != 0) GTEST_SKIP() << "no dbus-daemon here";
    UnixListener unused;  // for its directory
    const std::string address = "unix:path=" + unused.dir() + "/session";
    std::string error;
    test::BackgroundProcess daemon = test::BackgroundProcess::start(
        {"/usr/bin/dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=" + address}, &error);
    ASSERT_TRUE(daemon.running()) << error;
    // Ready when its socket takes a connection: the file exists from bind(), before listen(),
    // and a client between the two is refused. Bounded.
    const std::string socket_path = unused.dir() + "/session";
    auto accepts = [&] {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        socket_path.copy(sa.sun_path, sizeof(sa.sun_path) - 1);
        const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) == 0;
        ::close(fd);
        return ok;
    };
    for (int i = 0; i < 500 && !accepts(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(accepts()) << "dbus-daemon did not start taking connections";
    const FirewalldState s = read_firewalld_state(options_for(address, 2s));
    EXPECT_EQ(s.source, FirewalldSource::files);
    EXPECT_EQ(s.runtime_unread, "firewalld is not running (not on the system bus at " + address + ")");
}

}  // namespace
}  // namespace dnd
