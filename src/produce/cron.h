// Cron schedules for tag producers: the standard five fields
// (minute hour day-of-month month day-of-week) with Vixie cron semantics,
// evaluated in a fixed UTC offset (no daylight saving: China is +480).
//
// Syntax, per field: `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or
// `a/n` (a to the field's maximum), and comma-separated lists of these.
// Months accept JAN..DEC and weekdays SUN..SAT (any case, also inside
// ranges); day-of-week 0 and 7 are both Sunday. Nicknames: @hourly, @daily,
// @midnight, @weekly (Sunday 00:00), @monthly, @yearly, @annually.
//
// Day matching (crontab(5)): when both day-of-month and day-of-week are
// restricted, i.e. neither field starts with `*`, a day matches when EITHER
// matches ("0 0 13 * FRI" fires on every 13th and on every Friday);
// otherwise both must match. As in Vixie cron, a field such as `*/2` starts
// with `*` and therefore counts as unrestricted for this rule.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tagloop {

// An immutable value once parsed: copyable, and thread-safe to share.
class CronSchedule {
 public:
  // NextAfter's answer when there is no later fire time (t beyond year 9999).
  static constexpr int64_t kNoNext = std::numeric_limits<int64_t>::max();
  // PreviousAtOrBefore's answer when there is no earlier one (t before year 1).
  static constexpr int64_t kNoPrevious = std::numeric_limits<int64_t>::min();

  // Parses a five-field expression or a nickname; surrounding blanks are
  // ignored, fields are separated by spaces or tabs. Errors are
  // InvalidArgument naming the field, with the byte position of the offending
  // text, e.g. "cron '0 25 * * *': hour 25 is out of range 0-23" at 2. A
  // schedule that can never fire ("0 0 30 2 *") is rejected too, so every
  // parsed schedule fires at least once in any 400 years.
  static Result<CronSchedule> Parse(std::string_view text);

  // The first fire time strictly after `unix_seconds`, in unix seconds, with
  // the fields read as local time at `utc_offset_minutes` east of UTC.
  // Fire times are whole minutes. Skips whole months, days and hours that
  // cannot match, so one call costs at most a few thousand cheap steps
  // whatever the schedule. kNoNext when past year 9999.
  int64_t NextAfter(int64_t unix_seconds, int utc_offset_minutes) const;
  // The latest fire time at or before `unix_seconds` (a staleness check asks
  // "when should the newest version have been produced"); kNoPrevious when
  // there is none from year 1 on.
  int64_t PreviousAtOrBefore(int64_t unix_seconds, int utc_offset_minutes) const;

  // The text given to Parse, without surrounding blanks.
  const std::string& text() const { return text_; }

 private:
  CronSchedule() = default;
  bool DayMatches(int32_t days, unsigned day_of_month) const;
  bool CanEverFire() const;

  std::string text_;
  uint64_t minutes_ = 0;        // bit m: minute m (0-59)
  uint32_t hours_ = 0;          // bit h: hour h (0-23)
  uint32_t days_ = 0;           // bit d: day of month d (1-31)
  uint16_t months_ = 0;         // bit m: month m (1-12)
  uint8_t weekdays_ = 0;        // bit w: weekday w (0 = Sunday .. 6)
  bool days_star_ = false;      // the day-of-month field starts with '*'
  bool weekdays_star_ = false;  // the day-of-week field starts with '*'
};

}  // namespace tagloop
