#pragma once
// RFC 3339 timestamps as the engine writes them ("2026-11-28T14:29:37.243714919Z") and as
// Facts keep them: UTC, to the nanosecond. Pure: the checks judge times against
// Facts::collected_at with these, never against a clock.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dnd {

using UtcTime = std::chrono::sys_time<std::chrono::nanoseconds>;

// "2026-11-28T14:29:37.243714919Z", "2026-11-28T14:29:37Z", "2026-11-28T16:29:37+02:00";
// nullopt when malformed, or outside 1678-2261 (what nanoseconds since 1970 hold; the
// engine's "never", 0001-01-01T00:00:00Z, is such).
std::optional<UtcTime> parse_rfc3339(std::string_view text);

// "2026-11-28T14:29:37.243Z" with fraction_digits 3; 0 writes whole seconds, at most 9.
std::string format_rfc3339(UtcTime t, int fraction_digits);

// b - a in seconds: negative when b is earlier.
double seconds_between(UtcTime a, UtcTime b);

}  // namespace dnd
