#pragma once
// When watch looks. Changes come in bursts (Docker writes a container's rules in several
// transactions and sends several events for one start), so a look waits until the
// announcements have been quiet for kQuiet, never longer than kLongestWait after the first;
// a look that followed a change is followed by one more kSettle later (an app may still be
// starting when the engine says "start"); and with nothing announced, a look every
// recheck_every. Pure: the caller says what time it is.
#include <chrono>
#include <optional>
#include <string>

namespace dnd {

class LookSchedule {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kQuiet{300};
    static constexpr std::chrono::milliseconds kLongestWait{1000};
    static constexpr std::chrono::milliseconds kSettle{3000};

    LookSchedule(std::chrono::milliseconds recheck_every, Clock::time_point now);

    // Something changed; the first announcement of a burst names the look.
    void announce(std::string trigger, Clock::time_point now);
    // The earliest time a look may be due (the caller sleeps until then at most).
    Clock::time_point next_wake() const;
    // The look due at `now`, named by what led to it; nullopt when none is.
    std::optional<std::string> due(Clock::time_point now);
    // A look ended at `now`: the next recheck counts from here.
    void looked(Clock::time_point now);

private:
    struct Burst {
        std::string trigger;
        Clock::time_point first;
        Clock::time_point last;
    };
    std::chrono::milliseconds recheck_every_;
    std::optional<Burst> burst_;
    Clock::time_point next_recheck_;
    Clock::time_point settle_at_ = Clock::time_point::max();  // max: no look to settle
};

}  // namespace dnd
