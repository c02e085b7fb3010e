#include "produce/cron.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/date.h"

namespace tagloop {
namespace {

// Unix seconds of a local wall time "YYYY-MM-DD HH:MM[:SS]" at `offset` minutes east of UTC.
int64_t At(std::string_view local, int offset = 0) {
  auto day = ParseDate(local.substr(0, 10));
  EXPECT_TRUE(day.ok()) << local;
  auto num = [&](size_t at) { return (local[at] - '0') * 10 + (local[at + 1] - '0'); };
  const int seconds = local.size() > 16 ? num(17) : 0;
  return int64_t{*day} * 86400 + num(11) * 3600 + num(14) * 60 + seconds - int64_t{offset} * 60;
}

CronSchedule MustParse(std::string_view text) {
  auto s = CronSchedule::Parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : *CronSchedule::Parse("* * * * *");
}

struct Case {
  const char* cron;
  int offset;        // minutes east of UTC
  const char* from;  // local time
  const char* want;  // local time
};

TEST(CronTest, HelperMatchesKnownUnixTimes) {
  EXPECT_EQ(At("2024-01-01 00:00"), 1704067200);
  EXPECT_EQ(At("2024-01-01 08:00", 480), 1704067200);
}

TEST(CronTest, NextAfter) {
  const Case cases[] = {
      // strictly after, whole minutes
      {"* * * * *", 0, "2024-01-01 00:00", "2024-01-01 00:01"},
      {"* * * * *", 0, "2024-01-01 00:00:30", "2024-01-01 00:01"},
      {"* * * * *", 0, "2024-01-01 00:00:59", "2024-01-01 00:01"},
      {"0 * * * *", 0, "2024-01-01 00:00", "2024-01-01 01:00"},
      {"30 2 * * *", 0, "2024-01-01 02:30", "2024-01-02 02:30"},
      {"30 2 * * *", 0, "2024-01-01 02:29:59", "2024-01-01 02:30"},
      // steps, ranges, lists
      {"*/15 * * * *", 0, "2024-01-01 10:07", "2024-01-01 10:15"},
      {"*/15 * * * *", 0, "2024-01-01 10:45", "2024-01-01 11:00"},
      {"5-20/5 * * * *", 0, "2024-01-01 10:20", "2024-01-01 11:05"},
      {"10/20 * * * *", 0, "2024-01-01 10:31", "2024-01-01 10:50"},
      {"0 */6 * * *", 0, "2024-01-01 19:00", "2024-01-02 00:00"},
      {"0 8,12,18 * * *", 0, "2024-01-01 12:00", "2024-01-01 18:00"},
      {"15,45 9-10 * * *", 0, "2024-01-01 10:45", "2024-01-02 09:15"},
      {"0 0 1 */3 *", 0, "2024-02-15 00:00", "2024-04-01 00:00"},
      // month ends and years
      {"0 0 1 * *", 0, "2024-01-31 12:00", "2024-02-01 00:00"},
      {"0 0 31 * *", 0, "2024-04-01 00:00", "2024-05-31 00:00"},
      {"0 0 31 * *", 0, "2024-01-31 00:00", "2024-03-31 00:00"},
      {"0 0 30 * *", 0, "2023-01-30 00:00", "2023-03-30 00:00"},
      {"59 23 31 12 *", 0, "2023-12-31 23:59", "2024-12-31 23:59"},
      {"0 12 * 2 *", 0, "2024-02-29 12:00", "2025-02-01 12:00"},
      // leap days: 2100 is not a leap year, 2000 was
      {"0 0 29 2 *", 0, "2023-06-01 00:00", "2024-02-29 00:00"},
      {"0 0 29 2 *", 0, "2024-03-01 00:00", "2028-02-29 00:00"},
      {"0 0 29 2 *", 0, "2096-03-01 00:00", "2104-02-29 00:00"},
      {"0 0 29 2 *", 0, "1999-01-01 00:00", "2000-02-29 00:00"},
      {"0 0 28-29 2 *", 0, "2023-02-28 00:00", "2024-02-28 00:00"},
      // weekdays: 2024-01-01 was a Monday; 0 and 7 are Sunday
      {"0 0 * * 1", 0, "2024-01-01 00:00", "2024-01-08 00:00"},
      {"0 0 * * 0", 0, "2024-01-01 00:00", "2024-01-07 00:00"},
      {"0 0 * * 7", 0, "2024-01-01 00:00", "2024-01-07 00:00"},
      {"0 0 * * 5-7", 0, "2024-01-01 00:00", "2024-01-05 00:00"},
      {"0 0 * * 5-7", 0, "2024-01-06 00:00", "2024-01-07 00:00"},
      {"0 0 * * 5-7", 0, "2024-01-07 00:00", "2024-01-12 00:00"},
      // names, any case, in ranges (dom is '*': weekdays within Jan-Mar)
      {"0 9 * JAN-MAR MON-FRI", 0, "2024-03-29 09:00", "2025-01-01 09:00"},
      {"0 9 * jan-mar mon-fri", 0, "2024-03-29 09:00", "2025-01-01 09:00"},
      {"0 9 * * sat,SUN", 0, "2024-01-01 00:00", "2024-01-06 09:00"},
      {"0 0 1 Jun *", 0, "2024-01-01 00:00", "2024-06-01 00:00"},
      // both day fields restricted: either matches (2024-10-11 is a Friday, the 13th a Sunday)
      {"0 0 13 * FRI", 0, "2024-10-10 00:00", "2024-10-11 00:00"},
      {"0 0 13 * FRI", 0, "2024-10-11 00:00", "2024-10-13 00:00"},
      {"0 0 13 * FRI", 0, "2024-10-13 00:00", "2024-10-18 00:00"},
      {"0 0 1-7 * 0", 0, "2024-10-01 00:00", "2024-10-02 00:00"},
      {"0 0 30 2 MON", 0, "2024-01-01 00:00", "2024-02-05 00:00"},  // Mondays of February
      // a field starting with '*' is unrestricted for the OR rule: both must match
      // (the first Sunday of the month; 2024-10-06 and 2024-11-03 are Sundays)
      {"0 0 1-7 * */7", 0, "2024-10-01 00:00", "2024-10-06 00:00"},
      {"0 0 1-7 * */7", 0, "2024-10-06 00:00", "2024-11-03 00:00"},
      // a leap day on a Sunday: 2004, then 2032
      {"0 0 29 2 */7", 0, "2004-03-01 00:00", "2032-02-29 00:00"},
      // nicknames
      {"@hourly", 0, "2024-01-01 10:30", "2024-01-01 11:00"},
      {"@daily", 0, "2024-01-01 10:30", "2024-01-02 00:00"},
      {"@midnight", 0, "2024-01-01 00:00", "2024-01-02 00:00"},
      {"@weekly", 0, "2024-01-01 10:30", "2024-01-07 00:00"},
      {"@monthly", 0, "2024-01-15 00:00", "2024-02-01 00:00"},
      {"@yearly", 0, "2024-01-01 00:00", "2025-01-01 00:00"},
      {"@annually", 0, "2024-06-01 00:00", "2025-01-01 00:00"},
      {"@DAILY", 0, "2024-01-01 10:30", "2024-01-02 00:00"},
      // fixed UTC offsets: China +8, New York -5, India +5:30
      {"0 2 * * *", 480, "2024-01-01 08:00", "2024-01-02 02:00"},
      {"0 0 * * *", -300, "2023-12-31 19:00", "2024-01-01 00:00"},
      {"0 9 * * MON", 480, "2024-01-01 09:30", "2024-01-08 09:00"},
      {"30 0 * * *", 330, "2024-01-01 00:00", "2024-01-01 00:30"},
      {"0 0 1 1 *", 480, "2024-12-31 23:59", "2025-01-01 00:00"},
  };
  for (const Case& c : cases) {
    const CronSchedule s = MustParse(c.cron);
    EXPECT_EQ(s.NextAfter(At(c.from, c.offset), c.offset), At(c.want, c.offset))
        << c.cron << " after " << c.from << " at offset " << c.offset;
  }
}

TEST(CronTest, StarStepDayOfMonthAndsWithWeekday) {
  // "*/10" starts with '*': days 1, 11, 21, 31 that are also Mondays.
  // 2024-01-01 is a Monday, the next such day is 2024-03-11.
  const CronSchedule s = MustParse("0 0 */10 * MON");
  EXPECT_EQ(s.NextAfter(At("2024-01-01 00:00"), 0), At("2024-03-11 00:00"));
}

TEST(CronTest, OffsetsShiftTheAnswerInUtc) {
  // 02:00 in China is 18:00 UTC the day before.
  const CronSchedule s = MustParse("0 2 * * *");
  EXPECT_EQ(s.NextAfter(At("2024-01-01 00:00"), 480), At("2024-01-01 18:00"));
  EXPECT_EQ(s.NextAfter(At("2024-01-01 00:00"), 0), At("2024-01-01 02:00"));
  EXPECT_EQ(s.PreviousAtOrBefore(At("2024-01-01 00:00"), 480), At("2023-12-31 18:00"));
}

TEST(CronTest, PreviousAtOrBefore) {
  const Case cases[] = {
      {"0 2 * * *", 0, "2024-01-01 02:00", "2024-01-01 02:00"},  // at: included
      {"0 2 * * *", 0, "2024-01-01 02:00:59", "2024-01-01 02:00"},
      {"0 2 * * *", 0, "2024-01-01 01:59:59", "2023-12-31 02:00"},
      {"*/15 * * * *", 0, "2024-01-01 10:14", "2024-01-01 10:00"},
      {"15,45 9-10 * * *", 0, "2024-01-01 09:14", "2023-12-31 10:45"},
      {"0 0 31 * *", 0, "2024-05-01 00:00", "2024-03-31 00:00"},
      {"0 0 29 2 *", 0, "2027-01-01 00:00", "2024-02-29 00:00"},
      {"0 0 29 2 *", 0, "2104-02-28 00:00", "2096-02-29 00:00"},
      {"0 0 13 * FRI", 0, "2024-10-12 23:59", "2024-10-11 00:00"},
      {"0 0 13 * FRI", 0, "2024-10-17 00:00", "2024-10-13 00:00"},
      {"0 9 * JAN-MAR MON-FRI", 0, "2024-06-01 00:00", "2024-03-29 09:00"},
      {"59 23 31 12 *", 0, "2024-06-01 00:00", "2023-12-31 23:59"},
      {"0 0 1 1 *", 0, "2024-01-01 00:00", "2024-01-01 00:00"},
      {"0 0 1 1 *", 0, "2023-12-31 23:59", "2023-01-01 00:00"},
      {"0 0 1 */3 *", 0, "2024-03-31 00:00", "2024-01-01 00:00"},
      {"0 12 * 2 *", 0, "2024-01-31 00:00", "2023-02-28 12:00"},
      {"0 0 1-7 * */7", 0, "2024-11-02 00:00", "2024-10-06 00:00"},
      {"@weekly", 0, "2024-01-06 23:59", "2023-12-31 00:00"},
      {"0 9 * * MON", 480, "2024-01-08 08:59", "2024-01-01 09:00"},
      {"0 0 * * *", -300, "2024-01-01 23:59", "2024-01-01 00:00"},
  };
  for (const Case& c : cases) {
    const CronSchedule s = MustParse(c.cron);
    EXPECT_EQ(s.PreviousAtOrBefore(At(c.from, c.offset), c.offset), At(c.want, c.offset))
        << c.cron << " at or before " << c.from << " at offset " << c.offset;
  }
}

TEST(CronTest, CountsEveryFireOfAWeek) {
  // Every 15 minutes from 09:00 to 17:45 on weekdays: 5 days x 9 hours x 4.
  const CronSchedule s = MustParse("*/15 9-17 * * MON-FRI");
  const int64_t end = At("2024-01-08 00:00", 480);
  int fires = 0;
  int64_t last = 0;
  for (int64_t t = s.NextAfter(At("2024-01-01 00:00", 480) - 1, 480); t < end; t = s.NextAfter(t, 480)) {
    ++fires;
    last = t;
  }
  EXPECT_EQ(fires, 180);
  EXPECT_EQ(last, At("2024-01-05 17:45", 480));
}

TEST(CronTest, NextAndPreviousAgreeOnRandomSchedulesAndTimes) {
  // No fire strictly between t and NextAfter(t); the fire found is one
  // PreviousAtOrBefore finds, and vice versa.
  const char* crons[] = {"* * * * *",    "17 3 * * *",     "0 0 29 2 *",         "*/7 */5 */3 * *",
                         "0 0 13 * FRI", "30 1 1-7 * */7", "0 12 31 * *",        "5 4 * JUN-AUG SUN",
                         "0 0 1 1 *",    "@weekly",        "0,30 8-18/2 * * 1-5"};
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> when(At("1990-01-01 00:00"), At("2090-01-01 00:00"));
  for (const char* text : crons) {
    auto parsed = CronSchedule::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text;
    for (int offset : {0, 480, -300}) {
      for (int i = 0; i < 200; ++i) {
        const int64_t t = when(rng);
        const int64_t next = parsed->NextAfter(t, offset);
        ASSERT_GT(next, t) << text;
        EXPECT_EQ(next % 60, 0);
        EXPECT_EQ(parsed->PreviousAtOrBefore(next, offset), next) << text;
        EXPECT_LE(parsed->PreviousAtOrBefore(next - 1, offset), t) << text << " t=" << t;
        const int64_t prev = parsed->PreviousAtOrBefore(t, offset);
        ASSERT_LE(prev, t) << text;
        EXPECT_EQ(parsed->NextAfter(prev, offset), next) << text << " t=" << t;
      }
    }
  }
}

// A random field and the values it means, rendered as cron text.
struct RandomField {
  std::string text;
  std::vector<bool> values;  // indexed by value, min..max
  bool star = false;
};

RandomField MakeField(std::mt19937_64& rng, int min, int max) {
  RandomField f;
  f.values.assign(max + 1, false);
  auto pick = [&] { return min + static_cast<int>(rng() % (max - min + 1)); };
  switch (rng() % 4) {
    case 0:
      f.text = "*", f.star = true;
      for (int v = min; v <= max; ++v) f.values[v] = true;
      break;
    case 1: {
      const int step = 1 + static_cast<int>(rng() % (max - min + 1));
      f.text = "*/" + std::to_string(step), f.star = true;
      for (int v = min; v <= max; v += step) f.values[v] = true;
      break;
    }
    case 2: {
      int a = pick(), b = pick();
      if (a > b) std::swap(a, b);
      const int step = 1 + static_cast<int>(rng() % 4);
      f.text = std::to_string(a) + "-" + std::to_string(b) + (step > 1 ? "/" + std::to_string(step) : "");
      for (int v = a; v <= b; v += step) f.values[v] = true;
      break;
    }
    default:
      for (int n = 1 + static_cast<int>(rng() % 3); n-- > 0;) {
        const int v = pick();
        f.text += (f.text.empty() ? "" : ",") + std::to_string(v);
        f.values[v] = true;
      }
  }
  return f;
}

TEST(CronTest, MatchesABruteForceSearchOnRandomSchedules) {
  std::mt19937_64 rng(7);
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    RandomField f[5] = {MakeField(rng, 0, 59), MakeField(rng, 0, 23), MakeField(rng, 1, 31),
                        MakeField(rng, 1, 12), MakeField(rng, 0, 7)};
    if (f[4].values[7]) f[4].values[0] = true;  // 7 is Sunday
    const std::string text =
        f[0].text + " " + f[1].text + " " + f[2].text + " " + f[3].text + " " + f[4].text;
    auto parsed = CronSchedule::Parse(text);
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find("never fires"), std::string::npos)
          << parsed.status().ToString();
      continue;
    }
    const int offset = round % 3 == 0 ? 480 : 0;
    const Days first = *ParseDate("2023-11-20") + static_cast<Days>(rng() % 400);
    // The first matching minute after the first day's 12:00, day by day over 800 days.
    const int64_t from = At(FormatDate(first) + " 12:00", offset);
    int64_t want = CronSchedule::kNoNext;
    for (Days day = first; day < first + 800 && want == CronSchedule::kNoNext; ++day) {
      const std::string date = FormatDate(day);
      const int month = std::stoi(date.substr(5, 2)), dom = std::stoi(date.substr(8, 2));
      const bool dom_ok = f[2].values[dom], dow_ok = f[4].values[((day % 7) + 11) % 7];
      const bool day_ok = (f[2].star || f[4].star) ? dom_ok && dow_ok : dom_ok || dow_ok;
      if (!f[3].values[month] || !day_ok) continue;
      for (int h = 0; h < 24 && want == CronSchedule::kNoNext; ++h) {
        for (int m = 0; m < 60; ++m) {
          const int64_t t = At(date + " 00:00", offset) + h * 3600 + m * 60;
          if (f[1].values[h] && f[0].values[m] && t > from) {
            want = t;
            break;
          }
        }
      }
    }
    if (want == CronSchedule::kNoNext) continue;  // beyond the window
    EXPECT_EQ(parsed->NextAfter(from, offset), want) << text << " from " << FormatDate(first);
    EXPECT_EQ(parsed->PreviousAtOrBefore(want, offset), want) << text;
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

TEST(CronTest, EndsOfTheSupportedRange) {
  const CronSchedule every = MustParse("* * * * *");
  EXPECT_EQ(every.NextAfter(At("9999-12-31 23:59"), 0), CronSchedule::kNoNext);
  EXPECT_EQ(every.NextAfter(At("9999-12-31 23:58"), 0), At("9999-12-31 23:59"));
  EXPECT_EQ(every.NextAfter(std::numeric_limits<int64_t>::max(), 480), CronSchedule::kNoNext);
  EXPECT_EQ(every.PreviousAtOrBefore(std::numeric_limits<int64_t>::min(), -300), CronSchedule::kNoPrevious);
  EXPECT_EQ(every.PreviousAtOrBefore(std::numeric_limits<int64_t>::max(), 0), At("9999-12-31 23:59"));
  const CronSchedule yearly = MustParse("@yearly");
  EXPECT_EQ(yearly.NextAfter(std::numeric_limits<int64_t>::min(), 0), At("0001-01-01 00:00"));
  EXPECT_EQ(yearly.NextAfter(At("0001-01-01 00:00"), 0), At("0002-01-01 00:00"));
  EXPECT_EQ(yearly.PreviousAtOrBefore(At("0001-12-31 00:00"), 0), At("0001-01-01 00:00"));
  EXPECT_EQ(yearly.PreviousAtOrBefore(At("0001-01-01 00:00") - 1, 0), CronSchedule::kNoPrevious);
  EXPECT_EQ(At("0001-01-01 00:00"), -62135596800);
}

TEST(CronTest, KeepsTheTextWithoutSurroundingBlanks) {
  EXPECT_EQ(MustParse("  @daily \t").text(), "@daily");
  EXPECT_EQ(MustParse("\t0  2 *\t* * ").text(), "0  2 *\t* *");
  EXPECT_EQ(MustParse("\t0  2 *\t* * ").NextAfter(At("2024-01-01 00:00"), 0), At("2024-01-01 02:00"));
}

struct ErrorCase {
  const char* cron;
  const char* message;  // after "cron '<text>': "
  size_t position;
};

TEST(CronTest, ErrorsNameTheFieldAndPosition) {
  const ErrorCase cases[] = {
      {"0 25 * * *", "hour 25 is out of range 0-23", 2},
      {"60 * * * *", "minute 60 is out of range 0-59", 0},
      {"* * 0 * *", "day-of-month 0 is out of range 1-31", 4},
      {"* * 32 * *", "day-of-month 32 is out of range 1-31", 4},
      {"* * * 13 *", "month 13 is out of range 1-12", 6},
      {"* * * * 8", "day-of-week 8 is out of range 0-7", 8},
      {"0 0 1,99999999999 * *", "day-of-month 99999999999 is out of range 1-31", 6},
      {"* * * FOO *", "month 'FOO' is not a number or a name (JAN-DEC)", 6},
      {"* * * * MOON", "day-of-week 'MOON' is not a number or a name (SUN-SAT)", 8},
      {"* * * * MON-XYZ", "day-of-week 'XYZ' is not a number or a name (SUN-SAT)", 12},
      {"x * * * *", "minute 'x' is not a number", 0},
      {"MON * * * *", "minute 'MON' is not a number", 0},
      {"-1 * * * *", "minute: missing value", 0},
      {"0 5- * * *", "hour: missing value", 4},
      {"*/0 * * * *", "minute step must be at least 1, got 0", 2},
      {"*/x * * * *", "minute step 'x' is not a number", 2},
      {"*/ * * * *", "minute step '' is not a number", 2},
      {"/5 * * * *", "minute: missing value before '/'", 0},
      {"0 5-2 * * *", "hour range 5-2 is backwards", 2},
      {"0 0 * * FRI-MON", "day-of-week range FRI-MON is backwards", 8},
      {"0 1,,2 * * *", "hour: empty list element", 4},
      {"0 1, * * *", "hour: empty list element", 4},
      {"0 * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4", 7},
      {"0 * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6", 10},
      {"", "empty schedule", 0},
      {"   ", "empty schedule", 0},
      {"@reboot",
       "unknown nickname '@reboot' (expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly or "
       "@annually)",
       0},
      {"0 0 30 2 *", "never fires: day-of-month '30' does not occur in any month the month field allows", 4},
      {"0 0 31 4,6,9,11 *",
       "never fires: day-of-month '31' does not occur in any month the month field allows", 4},
      {"0 0 30 2 */2", "never fires: day-of-month '30' does not occur in any month the month field allows",
       4},
  };
  for (const ErrorCase& c : cases) {
    auto s = CronSchedule::Parse(c.cron);
    ASSERT_FALSE(s.ok()) << c.cron;
    EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(s.status().message(), std::string("cron '") + c.cron + "': " + c.message) << c.cron;
    EXPECT_EQ(s.status().position(), c.position) << c.cron;
  }
}

TEST(CronTest, AcceptsWhatCanFire) {
  // Restricted on both day fields: the weekday alone suffices.
  for (const char* text :
       {"0 0 30 2 MON", "0 0 29 2 *", "0 0 31 1-12 *", "0 0 */31 2 *", "0 0 1-31/30 2 *"}) {
    EXPECT_TRUE(CronSchedule::Parse(text).ok()) << text;
  }
  // "1-31/30" is days 1 and 31: February fires on the 1st.
  EXPECT_EQ(MustParse("0 0 1-31/30 2 *").NextAfter(At("2024-01-01 00:00"), 0), At("2024-02-01 00:00"));
}

}  // namespace
}  // namespace tagloop
