// RFC 3339 both ways, on std::chrono's civil calendar (no time zone database needed: the
// engine writes UTC, and an offset is plain arithmetic).
#include "docknetdoctor/model/rfc3339.hpp"

#include <fmt/format.h>

namespace dnd {
namespace {

// Exactly `width` digits at text[pos...], advancing pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t width) {
    if (pos + width > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char wanted) {
    if (pos >= text.size() || text[pos] != wanted) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<UtcTime> parse_rfc3339(std::string_view text) {
    using namespace std::chrono;
    std::size_t pos = 0;
    const auto y = digits(text, pos, 4);
    if (!y || !expect(text, pos, '-')) return std::nullopt;
    const auto mo = digits(text, pos, 2);
    if (!mo || !expect(text, pos, '-')) return std::nullopt;
    const auto d = digits(text, pos, 2);
    if (!d || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) return std::nullopt;
    ++pos;
    const auto h = digits(text, pos, 2);
    if (!h || !expect(text, pos, ':')) return std::nullopt;
    const auto mi = digits(text, pos, 2);
    if (!mi || !expect(text, pos, ':')) return std::nullopt;
    const auto s = digits(text, pos, 2);
    if (!s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    // Nanoseconds since 1970 in 64 bits hold 1678-2261; the engine's "never" is year 1.
    if (*y < 1678 || *y > 2261) return std::nullopt;

    const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    nanoseconds fraction{0};
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        long long value = 0;
        int count = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (count < 9) {
                value = value * 10 + (text[pos] - '0');
                ++count;
            }
            ++pos;
        }
        if (count == 0) return std::nullopt;
        for (int i = count; i < 9; ++i) value *= 10;
        fraction = nanoseconds{value};
    }
    minutes offset{0};
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        const auto oh = digits(text, pos, 2);
        if (!oh || !expect(text, pos, ':')) return std::nullopt;
        const auto om = digits(text, pos, 2);
        if (!om) return std::nullopt;
        offset = minutes{sign * (*oh * 60 + *om)};
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    return UtcTime{sys_days{date}} + hours{*h} + minutes{*mi} + seconds{*s} + fraction - offset;
}

std::string format_rfc3339(UtcTime t, int fraction_digits) {
    using namespace std::chrono;
    const auto day_start = floor<days>(t);
    const year_month_day date{day_start};
    const hh_mm_ss<nanoseconds> time{t - day_start};
    std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                                  time.hours().count(), time.minutes().count(), time.seconds().count());
    if (fraction_digits > 0) {
        const int width = fraction_digits > 9 ? 9 : fraction_digits;
        long long fraction = time.subseconds().count();
        for (int i = width; i < 9; ++i) fraction /= 10;
        out += fmt::format(".{:0{}}", fraction, width);
    }
    return out + "Z";
}

double seconds_between(UtcTime a, UtcTime b) { return std::chrono::duration<double>(b - a).count(); }

}  // namespace dnd
