#include "docknetdoctor/app/progress_line.hpp"
#include "docknetdoctor/app/output.hpp"

#include <unistd.h>

#include <system_error>

#include <fmt/format.h>

namespace dnd {
namespace {

// Carriage return and "erase to end of line": the line is redrawn in place.
constexpr std::string_view kEraseLine = "\r\x1b[K";

}  // namespace

bool wants_progress_line(bool stderr_is_terminal, bool text_output) { return stderr_is_terminal && text_output; }

ProgressLine::ProgressLine(bool enabled, int fd, std::chrono::milliseconds after, std::chrono::milliseconds every)
    : fd_(fd) {
    if (!enabled) return;
    try {
        thread_ = std::thread([this, after, every] { run(after, every); });
    } catch (const std::system_error&) {
        // no thread to spare: no progress line, the run itself is unchanged
    }
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::string phase, std::size_t done, std::size_t total) {
    std::lock_guard lock(mutex_);
    phase_ = std::move(phase);
    done_ = done;
    total_ = total;
}

void ProgressLine::finish() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    if (drawn_) write_all(fd_, kEraseLine);  // a progress line is not worth failing for
    drawn_ = false;
}

void ProgressLine::run(std::chrono::milliseconds after, std::chrono::milliseconds every) {
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, after, [this] { return stopping_; })) return;
    do {
        draw_locked();
    } while (!wake_.wait_for(lock, every, [this] { return stopping_; }));
}

void ProgressLine::draw_locked() {
    if (phase_.empty()) return;
    write_all(fd_, fmt::format("{}docknetdoctor: {} {}/{} containers", kEraseLine, phase_, done_, total_));
    drawn_ = true;
}

}  // namespace dnd
