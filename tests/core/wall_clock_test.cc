#include "core/wall_clock.h"

#include <gtest/gtest.h>

#include "core/date.h"

namespace tagloop {
namespace {

TEST(ClockOverrideTest, UnixSecondsAndDates) {
  auto none = ParseClockOverride("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  auto seconds = ParseClockOverride("1795575600");
  ASSERT_TRUE(seconds.ok());
  EXPECT_EQ(**seconds, int64_t{1795575600} * 1000);

  auto day = ParseClockOverride("2039-08-20");  // noon UTC of that day
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(DaysFromUnixSeconds(**day / 1000), *ParseDate("2039-08-20"));
  EXPECT_EQ((**day / 1000) % 86400, 12 * 3600);
}

TEST(ClockOverrideTest, RefusesWhatItCannotRead) {
  for (const char* bad : {"tomorrow", "-5", "2026-13-01", "12x", "2026-11-24T10:00"}) {
    auto r = ParseClockOverride(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("TAGLOOP_NOW"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace tagloop
