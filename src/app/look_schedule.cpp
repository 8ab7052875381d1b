// watch's timing (look_schedule.hpp).
#include "docknetdoctor/app/look_schedule.hpp"

#include <algorithm>

namespace dnd {

LookSchedule::LookSchedule(std::chrono::milliseconds recheck_every, Clock::time_point now)
    : recheck_every_(recheck_every), next_recheck_(now + recheck_every) {}

void LookSchedule::announce(std::string trigger, Clock::time_point now) {
    if (burst_) {
        burst_->last = now;
        return;
    }
    burst_ = Burst{std::move(trigger), now, now};
}

LookSchedule::Clock::time_point LookSchedule::next_wake() const {
    auto at = std::min(next_recheck_, settle_at_);
    if (burst_) at = std::min({at, burst_->last + kQuiet, burst_->first + kLongestWait});
    return at;
}

std::optional<std::string> LookSchedule::due(Clock::time_point now) {
    if (burst_ && (now >= burst_->last + kQuiet || now >= burst_->first + kLongestWait)) {
        std::string trigger = std::move(burst_->trigger);
        burst_.reset();
        settle_at_ = now + kSettle;
        return trigger;
    }
    if (now >= settle_at_) {
        settle_at_ = Clock::time_point::max();
        return "recheck, settling after a change";
    }
    if (now >= next_recheck_) return "recheck";
    return std::nullopt;
}

void LookSchedule::looked(Clock::time_point now) { next_recheck_ = now + recheck_every_; }

}  // namespace dnd
