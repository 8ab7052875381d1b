#pragma once
// A progress line for long runs (--all on a host with hundreds of containers): drawn on a
// terminal's stderr once the run has taken longer than a second, redrawn in place, and
// erased before the output is written. Never in a pipe, a file or a machine format: there
// it would be noise in what a program reads.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace dnd {

class ProgressLine {
public:
    // Draws on fd (a terminal's stderr) from `after` on, every `every`; enabled false: never.
    ProgressLine(bool enabled, int fd, std::chrono::milliseconds after = std::chrono::seconds(1),
                 std::chrono::milliseconds every = std::chrono::milliseconds(100));
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    // Erases the line (when it was drawn) and stops.
    ~ProgressLine();

    // What the run is doing: "collecting", 12, 200 -> "docknetdoctor: collecting 12/200 containers".
    // Any thread.
    void update(std::string phase, std::size_t done, std::size_t total);
    // Erases the line now (before the output goes out); later updates draw nothing.
    void finish();

private:
    void run(std::chrono::milliseconds after, std::chrono::milliseconds every);
    void draw_locked();

    int fd_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool drawn_ = false;
    std::string phase_;
    std::size_t done_ = 0;
    std::size_t total_ = 0;
    std::thread thread_;
};

// Whether a run shows progress: stderr is a terminal and the output is for a person (text).
bool wants_progress_line(bool stderr_is_terminal, bool text_output);

}  // namespace dnd
