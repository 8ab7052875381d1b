#include "run_binary.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <thread>
#include <utility>

#include "docknetdoctor/probe/unique_fd.hpp"

extern char** environ;

namespace dnd::test {
namespace {

struct Pipe {
    UniqueFd read_end;
    UniqueFd write_end;
};

bool make_pipe(Pipe& p) {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) return false;
    p.read_end = UniqueFd(fds[0]);
    p.write_end = UniqueFd(fds[1]);
    return true;
}

// posix_spawn file actions and attributes, destroyed with the scope.
class SpawnSetup {
public:
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions_);
        posix_spawnattr_init(&attr_);
        // Own process group: a timeout kills the whole tree. Default signal handling in the child.
        sigset_t all;
        sigemptyset(&all);
        posix_spawnattr_setsigmask(&attr_, &all);
        sigset_t defaults;
        sigfillset(&defaults);
        posix_spawnattr_setsigdefault(&attr_, &defaults);
        posix_spawnattr_setpgroup(&attr_, 0);
        posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions_);
        posix_spawnattr_destroy(&attr_);
    }
    posix_spawn_file_actions_t* actions() { return &actions_; }
    posix_spawnattr_t* attr() { return &attr_; }

private:
    posix_spawn_file_actions_t actions_{};
    posix_spawnattr_t attr_{};
};

// Environment strings for the child: the current environment with overrides applied.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
    std::vector<std::string> result;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry(*e);
        const auto eq = entry.find('=');
        const std::string key = entry.substr(0, eq);
        if (!overrides.contains(key)) result.push_back(std::move(entry));
    }
    for (const auto& [key, value] : overrides) result.push_back(key + "=" + value);
    return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

int decode_wait_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// The exit code, and the child's peak resident set in KiB (wait4's rusage).
int wait_for_exit(pid_t pid, long& peak_rss_kib) {
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) return -1;
    }
    peak_rss_kib = usage.ru_maxrss;
    return decode_wait_status(status);
}

}  // namespace

std::string ProcessResult::describe() const {
    if (!spawn_error.empty()) return "could not start: " + spawn_error;
    std::string text = timed_out ? "timed out" : "exit code " + std::to_string(exit_code);
    if (!err.empty()) text += "; stderr: " + err;
    return text;
}

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
    ProcessResult result;
    if (argv.empty()) {
        result.spawn_error = "empty command";
        return result;
    }
    Pipe out_pipe;
    Pipe err_pipe;
    Pipe in_pipe;
    if (!make_pipe(out_pipe) || !make_pipe(err_pipe) || !make_pipe(in_pipe)) {
        result.spawn_error = std::string("pipe: ") + std::strerror(errno);
        return result;
    }
    SpawnSetup setup;
    posix_spawn_file_actions_adddup2(setup.actions(), in_pipe.read_end.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(setup.actions(), out_pipe.write_end.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(setup.actions(), err_pipe.write_end.get(), STDERR_FILENO);

    std::vector<std::string> args = argv;
    std::vector<std::string> env = child_environment(options.env);
    auto arg_ptrs = c_strings(args);
    auto env_ptrs = c_strings(env);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, arg_ptrs[0], setup.actions(), setup.attr(), arg_ptrs.data(), env_ptrs.data());
    if (rc != 0) {
        result.spawn_error = argv[0] + ": " + std::strerror(rc);
        return result;
    }
    in_pipe.read_end.reset();
    out_pipe.write_end.reset();
    err_pipe.write_end.reset();

    // Small stdin text fits the pipe buffer; a child that never reads cannot block us then.
    if (!options.stdin_text.empty()) {
        ::fcntl(in_pipe.write_end.get(), F_SETFL, O_NONBLOCK);
        [[maybe_unused]] const auto written =
            ::write(in_pipe.write_end.get(), options.stdin_text.data(), options.stdin_text.size());
    }
    in_pipe.write_end.reset();

    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    std::array<pollfd, 2> fds{pollfd{out_pipe.read_end.get(), POLLIN, 0}, pollfd{err_pipe.read_end.get(), POLLIN, 0}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    int open_streams = 2;
    std::array<char, 4096> buffer{};
    while (open_streams > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            break;
        }
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;  // timeout is detected at the top of the loop
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const auto n = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (n > 0) {
                sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;
                --open_streams;
            }
        }
    }
    if (result.timed_out) ::kill(-pid, SIGKILL);
    result.exit_code = wait_for_exit(pid, result.peak_rss_kib);
    // Helpers the child left behind in its group (they would hold our pipes) go too.
    ::kill(-pid, SIGKILL);
    return result;
}

ProcessResult run_docknetdoctor(const std::vector<std::string>& args, const RunOptions& options) {
    std::vector<std::string> argv{DND_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, options);
}

BackgroundProcess BackgroundProcess::start(const std::vector<std::string>& argv, std::string* error) {
    if (argv.empty()) {
        if (error != nullptr) *error = "empty command";
        return {};
    }
    SpawnSetup setup;
    posix_spawn_file_actions_addopen(setup.actions(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(setup.actions(), STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(setup.actions(), STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> args = argv;
    auto arg_ptrs = c_strings(args);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, arg_ptrs[0], setup.actions(), setup.attr(), arg_ptrs.data(), environ);
    if (rc != 0) {
        if (error != nullptr) *error = argv[0] + ": " + std::strerror(rc);
        return {};
    }
    return BackgroundProcess(pid);
}

BackgroundProcess::BackgroundProcess(BackgroundProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

BackgroundProcess& BackgroundProcess::operator=(BackgroundProcess&& other) noexcept {
    if (this != &other) {
        stop();
        pid_ = std::exchange(other.pid_, -1);
    }
    return *this;
}

BackgroundProcess::~BackgroundProcess() { stop(); }

bool BackgroundProcess::running() const {
    if (pid_ <= 0) return false;
    // WNOWAIT: look without reaping, so stop() still owns the pid (no reuse race).
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
    return info.si_pid == 0;
}

int BackgroundProcess::signal_and_wait(int signal, std::chrono::milliseconds timeout, SignalTarget target) {
    if (pid_ <= 0) return -1;
    ::kill(target == SignalTarget::process_group ? -pid_ : pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running()) {
        stop();
        return -1;
    }
    long unused_peak = 0;
    const int code = wait_for_exit(pid_, unused_peak);
    ::kill(-pid_, SIGKILL);  // whatever it left in its group
    pid_ = -1;
    return code;
}

void BackgroundProcess::stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    long unused_peak = 0;
    wait_for_exit(pid_, unused_peak);
    pid_ = -1;
}

}  // namespace dnd::test
