#include "core/date.h"

#include <gtest/gtest.h>

namespace tagloop {

TEST(DateTest, ParsesAndFormatsRoundTrip) {
  for (const char* s : {"1970-01-01", "2000-02-29", "2026-10-01", "1969-12-31", "0001-01-01", "9999-12-31"}) {
    auto d = ParseDate(s);
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(FormatDate(*d), s);
  }
  EXPECT_EQ(*ParseDate("1970-01-01"), 0);
  EXPECT_EQ(*ParseDate("1970-01-02"), 1);
  EXPECT_EQ(*ParseDate("1969-12-31"), -1);
}

TEST(DateTest, RejectsMalformedAndImpossibleDays) {
  for (const char* s : {"2026-1-01", "2026/01/01", "2026-13-01", "2026-00-10", "2026-02-29", "2100-02-29",
                        "2026-04-31", "abcd-ef-gh", "", "2026-01-011", "0000-01-01"}) {
    EXPECT_FALSE(ParseDate(s).ok()) << s;
  }
  EXPECT_NE(ParseDate("2026-02-30").status().message().find("no such day"), std::string::npos);
}

TEST(DateTest, DaysFromUnixSecondsFloorsNegativeTimes) {
  EXPECT_EQ(DaysFromUnixSeconds(0), 0);
  EXPECT_EQ(DaysFromUnixSeconds(86399), 0);
  EXPECT_EQ(DaysFromUnixSeconds(-1), -1);
  EXPECT_EQ(DaysFromUnixSeconds(86400 * 365), 365);
}

}  // namespace tagloop
