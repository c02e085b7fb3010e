#include "events/event_time.h"

#include <gtest/gtest.h>

#include "core/date.h"

namespace tagloop::events {
namespace {

int64_t Ms(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  return ((int64_t{DaysFromCivil(y, mo, d)} * 24 + h) * 60 + mi) * 60'000 + s * 1000 + ms;
}

struct Good {
  const char* text;
  int64_t ms;
};

TEST(EventTimeTest, ParsesValidTimestamps) {
  const Good cases[] = {
      {"2026-11-24T10:15:00+08:00", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-11-24T02:15:00Z", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-11-24t02:15:00z", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-11-24 02:15:00Z", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-11-24T02:15:00-00:00", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-11-23T21:15:00-05:00", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-11-24T07:45:00+05:30", Ms(2026, 11, 24, 2, 15, 0)},
      {"2026-01-01T00:00:00+23:59", Ms(2025, 12, 31, 0, 1, 0)},
      {"2026-11-24T02:15:00.5Z", Ms(2026, 11, 24, 2, 15, 0, 500)},
      {"2026-11-24T02:15:00.05Z", Ms(2026, 11, 24, 2, 15, 0, 50)},
      {"2026-11-24T02:15:00.123Z", Ms(2026, 11, 24, 2, 15, 0, 123)},
      {"2026-11-24T02:15:00.123999999Z", Ms(2026, 11, 24, 2, 15, 0, 123)},  // truncated, not rounded
      {"2024-02-29T12:00:00Z", Ms(2024, 2, 29, 12, 0, 0)},                  // leap year
      {"2000-02-29T00:00:00Z", Ms(2000, 2, 29, 0, 0, 0)},                   // divisible by 400
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59.500Z", -500},
      {"9999-12-31T23:59:59.999Z", Ms(9999, 12, 31, 23, 59, 59, 999)},
      {"0001-01-01T00:00:00Z", Ms(1, 1, 1, 0, 0, 0)},
  };
  for (const Good& c : cases) {
    Result<int64_t> ms = ParseRfc3339Millis(c.text);
    ASSERT_TRUE(ms.ok()) << c.text << ": " << ms.status().ToString();
    EXPECT_EQ(*ms, c.ms) << c.text;
  }
}

struct Bad {
  const char* text;
  const char* what;
};

TEST(EventTimeTest, RefusesInvalidTimestamps) {
  const Bad cases[] = {
      {"", "the date must be YYYY-MM-DD"},
      {"2026-11-24", "followed by 'T'"},
      {"2026-11-24T10:15Z", "HH:MM:SS"},
      {"2026-11-24T10:15:00", "missing the UTC offset"},
      {"2026-11-24X10:15:00Z", "followed by 'T'"},
      {"26-11-24T10:15:00Z", "YYYY-MM-DD"},
      {"2026-1-24T10:15:00Z", "YYYY-MM-DD"},
      {"2026-13-01T00:00:00Z", "month 13"},
      {"2026-00-01T00:00:00Z", "month 00"},
      {"2026-11-31T00:00:00Z", "day 31 does not exist"},
      {"2026-02-29T00:00:00Z", "day 29 does not exist"},  // not a leap year
      {"1900-02-29T00:00:00Z", "day 29 does not exist"},  // divisible by 100 only
      {"2026-11-00T00:00:00Z", "day 00"},
      {"0000-01-01T00:00:00Z", "year 0000"},
      {"2026-11-24T24:00:00Z", "hour 24"},
      {"2026-11-24T10:60:00Z", "minute 60"},
      {"2026-11-24T23:59:60Z", "leap seconds"},
      {"2026-11-24T10:15:61Z", "second 61"},
      {"2026-11-24T10:15:00.Z", "fraction digits"},
      {"2026-11-24T10:15:00.1234567890Z", "more than 9"},
      {"2026-11-24T10:15:00+8:00", "offset must be"},
      {"2026-11-24T10:15:00+0800", "offset must be"},
      {"2026-11-24T10:15:00+24:00", "offset out of range"},
      {"2026-11-24T10:15:00+08:60", "offset out of range"},
      {"2026-11-24T10:15:00ZZ", "unexpected text"},
      {"2026-11-24T10:15:00Z ", "unexpected text"},
      {" 2026-11-24T10:15:00Z", "YYYY-MM-DD"},
      {"2026-11-24T10:15:00UTC", "offset must be"},
  };
  for (const Bad& c : cases) {
    Result<int64_t> ms = ParseRfc3339Millis(c.text);
    ASSERT_FALSE(ms.ok()) << c.text;
    EXPECT_EQ(ms.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(ms.status().message().find("not RFC 3339"), std::string::npos) << ms.status().message();
    EXPECT_NE(ms.status().message().find(c.what), std::string::npos)
        << c.text << " -> " << ms.status().message();
  }
}

TEST(EventTimeTest, FormatsWithOffsetsAndRoundTrips) {
  const int64_t t = Ms(2026, 11, 24, 2, 15, 0, 7);
  EXPECT_EQ(FormatRfc3339Millis(t, 0), "2026-11-24T02:15:00.007Z");
  EXPECT_EQ(FormatRfc3339Millis(t, 480), "2026-11-24T10:15:00.007+08:00");
  EXPECT_EQ(FormatRfc3339Millis(t, -330), "2026-11-23T20:45:00.007-05:30");
  EXPECT_EQ(FormatRfc3339Millis(-500, 0), "1969-12-31T23:59:59.500Z");
  for (int64_t ms :
       {int64_t{0}, int64_t{-1}, t, Ms(2024, 2, 29, 23, 59, 59, 999), Ms(9999, 12, 31, 0, 0, 0)}) {
    for (int offset : {0, 480, -600, 1439, -1439}) {
      Result<int64_t> back = ParseRfc3339Millis(FormatRfc3339Millis(ms, offset));
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, ms) << FormatRfc3339Millis(ms, offset);
    }
  }
}

}  // namespace
}  // namespace tagloop::events
