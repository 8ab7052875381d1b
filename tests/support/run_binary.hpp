#pragma once
// Running child processes from tests: capture stdout/stderr/exit code, always with a
// deadline. The child gets its own process group, so a timeout kills everything it spawned
// (nsenter, shells, their children).
#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dnd::test {

struct ProcessResult {
    int exit_code = -1;          // 128+N when killed by signal N; -1 when it never started
    std::string out;
    std::string err;
    bool timed_out = false;
    std::string spawn_error;     // why it could not start ("" when it did)
    long peak_rss_kib = 0;       // the child's peak resident set (what time -v reports)

    bool ok() const { return exit_code == 0; }
    // One line for assertion messages: command outcome plus stderr.
    std::string describe() const;
};

struct RunOptions {
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    std::map<std::string, std::string> env;  // added to (or overriding) the current environment
    std::string stdin_text;                   // empty: stdin is /dev/null
};

// Runs argv[0] (looked up in PATH) and waits for it, at most options.timeout.
ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs the docknetdoctor binary under test (DND_BINARY) in the current namespaces.
ProcessResult run_docknetdoctor(const std::vector<std::string>& args, const RunOptions& options = {});

// A long-running helper (a port holder, a server). Killed with its process group on
// destruction; its output goes to /dev/null.
class BackgroundProcess {
public:
    static BackgroundProcess start(const std::vector<std::string>& argv, std::string* error = nullptr);
    BackgroundProcess() = default;
    BackgroundProcess(BackgroundProcess&& other) noexcept;
    BackgroundProcess& operator=(BackgroundProcess&& other) noexcept;
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;
    ~BackgroundProcess();

    bool running() const;
    pid_t pid() const { return pid_; }
    void stop();
    // Who a signal is sent to: the process alone, or its whole process group (as a shell's
    // `kill %1` does).
    enum class SignalTarget { process, process_group };
    // Sends `signal` to `target` and waits for the process to end, at most `timeout`: its
    // exit code (128+N when a signal N ended it), or -1 when it did not end (it is then
    // killed with its group).
    int signal_and_wait(int signal, std::chrono::milliseconds timeout, SignalTarget target = SignalTarget::process);

private:
    explicit BackgroundProcess(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
};

}  // namespace dnd::test
