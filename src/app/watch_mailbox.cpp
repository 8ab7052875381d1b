// watch's mailbox (watch_mailbox.hpp).
#include "docknetdoctor/app/watch_mailbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

namespace dnd {
namespace {

// Notes are few (a break, its end); a burst of them is cut here.
constexpr std::size_t kMaxNotes = 64;

}  // namespace

WatchMailbox::WatchMailbox() : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void WatchMailbox::post_event(std::string what) {
    {
        std::lock_guard lock(mutex_);
        if (!mail_.first_event) mail_.first_event = std::move(what);
        ++mail_.events;
    }
    wake();
}

void WatchMailbox::post_note(std::string what) {
    {
        std::lock_guard lock(mutex_);
        if (mail_.notes.size() < kMaxNotes) mail_.notes.push_back(std::move(what));
    }
    wake();
}

WatchMailbox::Mail WatchMailbox::take() {
    std::uint64_t count = 0;
    [[maybe_unused]] auto drained = ::read(wake_.get(), &count, sizeof count);
    std::lock_guard lock(mutex_);
    return std::exchange(mail_, Mail{});
}

void WatchMailbox::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_.get(), &one, sizeof one);
}

}  // namespace dnd
