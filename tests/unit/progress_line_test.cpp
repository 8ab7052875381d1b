// The --all progress line: drawn on a terminal only after the run has taken its time,
// redrawn in place, erased before the output; nothing at all for a fast run or a pipe.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "docknetdoctor/app/progress_line.hpp"

namespace dnd {
namespace {

using namespace std::chrono_literals;

struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == 0) {
            read_end = fds[0];
            write_end = fds[1];
        }
    }
    ~Pipe() {
        if (read_end >= 0) ::close(read_end);
        if (write_end >= 0) ::close(write_end);
    }
    // What was written so far, waiting up to `wait` for the first bytes.
    std::string drain(std::chrono::milliseconds wait = 0ms) const {
        std::string out;
        pollfd p{read_end, POLLIN, 0};
        int timeout = static_cast<int>(wait.count());
        while (::poll(&p, 1, timeout) > 0 && (p.revents & POLLIN)) {
            std::array<char, 4096> buffer{};
            const ssize_t n = ::read(read_end, buffer.data(), buffer.size());
            if (n <= 0) break;
            out.append(buffer.data(), static_cast<std::size_t>(n));
            timeout = 0;
        }
        return out;
    }
};

TEST(ProgressLine, ALongRunDrawsTheLineAndErasesItAtTheEnd) {
    Pipe pipe;
    ASSERT_GE(pipe.read_end, 0);
    ProgressLine progress(true, pipe.write_end, 0ms, 10ms);
    progress.update("collecting", 3, 200);
    const std::string drawn = pipe.drain(5s);
    EXPECT_EQ(drawn.rfind("\r\x1b[Kdocknetdoctor: collecting 3/200 containers", 0), 0u) << drawn;
    progress.finish();
    const std::string rest = pipe.drain();
    EXPECT_TRUE(rest.ends_with("\r\x1b[K")) << rest;
    progress.update("probing", 200, 200);  // after finish: nothing more
    EXPECT_EQ(pipe.drain(50ms), "");
}

TEST(ProgressLine, AFastRunDrawsNothing) {
    Pipe pipe;
    ASSERT_GE(pipe.read_end, 0);
    {
        ProgressLine progress(true, pipe.write_end, 1s, 100ms);
        progress.update("collecting", 1, 2);
    }
    EXPECT_EQ(pipe.drain(), "");
}

TEST(ProgressLine, DisabledDrawsNothing) {
    Pipe pipe;
    ASSERT_GE(pipe.read_end, 0);
    ProgressLine progress(false, pipe.write_end, 0ms, 10ms);
    progress.update("collecting", 1, 2);
    EXPECT_EQ(pipe.drain(100ms), "");
}

TEST(ProgressLine, OnlyOnATerminalAndOnlyForText) {
    EXPECT_TRUE(wants_progress_line(true, true));
    EXPECT_FALSE(wants_progress_line(false, true));  // a pipe or a file: never
    EXPECT_FALSE(wants_progress_line(true, false));  // json, jsonl, nagios ...: never
    EXPECT_FALSE(wants_progress_line(false, false));
}

}  // namespace
}  // namespace dnd
