#pragma once
// What watch's other threads (the engine's events) hand to its loop: the announcements of a
// change and notes to print, with an eventfd the loop polls to learn there are some. Only the
// first announcement since the last take is kept (it names the look; the rest of the burst
// only counts), so a flood of events costs no memory.
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/probe/unique_fd.hpp"

namespace dnd {

class WatchMailbox {
public:
    WatchMailbox();
    bool valid() const { return wake_.valid(); }
    int fd() const { return wake_.get(); }

    void post_event(std::string what);
    void post_note(std::string what);

    struct Mail {
        std::optional<std::string> first_event;  // nullopt: no event since the last take
        std::size_t events = 0;
        std::vector<std::string> notes;
    };
    // What came since the last take; clears the eventfd.
    Mail take();

private:
    void wake();

    UniqueFd wake_;
    std::mutex mutex_;
    Mail mail_;
};

}  // namespace dnd
