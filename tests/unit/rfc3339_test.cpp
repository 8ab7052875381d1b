// RFC 3339 as the engine writes it and as Facts keep it.
#include <gtest/gtest.h>

#include "docknetdoctor/model/rfc3339.hpp"

namespace dnd {
namespace {

TEST(Rfc3339, ReadsTheEnginesNanosecondsAndWritesThemBack) {
    const auto t = parse_rfc3339("2026-12-02T05:39:14.54410177Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_rfc3339(*t, 9), "2026-12-02T05:39:14.544101770Z");
    EXPECT_EQ(format_rfc3339(*t, 3), "2026-12-02T05:39:14.544Z");
    EXPECT_EQ(format_rfc3339(*t, 0), "2026-12-02T05:39:14Z");
}

TEST(Rfc3339, DifferencesAcrossMidnightAndOffsets) {
    const auto before = parse_rfc3339("2026-12-31T23:59:59.750Z");
    const auto after = parse_rfc3339("2027-01-01T00:00:00.250Z");
    const auto same = parse_rfc3339("2027-01-01T02:00:00.250+02:00");
    ASSERT_TRUE(before && after && same);
    EXPECT_DOUBLE_EQ(seconds_between(*before, *after), 0.5);
    EXPECT_DOUBLE_EQ(seconds_between(*after, *before), -0.5);
    EXPECT_EQ(*same, *after);
    EXPECT_FALSE(parse_rfc3339("0001-01-01T00:00:00Z"));  // the engine's "never": no time at all
}

TEST(Rfc3339, RejectsWhatIsNotOne) {
    for (const char* bad : {"", "2026-12-02", "2026-12-02T05:39:14", "2026-13-02T05:39:14Z", "2026-02-30T05:39:14Z",
                            "2026-12-02T25:39:14Z", "2026-12-02T05:39:14.Z", "2026-12-02T05:39:14Zjunk", "yesterday"})
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

}  // namespace
}  // namespace dnd
