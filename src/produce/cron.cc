#include "produce/cron.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <vector>

#include "core/date.h"

namespace tagloop {

namespace {

struct FieldSpec {
  const char* name;
  int min, max;
  const char* const* names;  // names[i] is value min + i; null when the field has none
  int name_count;
  const char* names_range;  // "JAN-DEC" for messages
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kWeekdayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Day-of-week accepts 7 for Sunday; it is folded onto bit 0 after parsing.
constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0, nullptr},
    {"hour", 0, 23, nullptr, 0, nullptr},
    {"day-of-month", 1, 31, nullptr, 0, nullptr},
    {"month", 1, 12, kMonthNames, 12, "JAN-DEC"},
    {"day-of-week", 0, 7, kWeekdayNames, 7, "SUN-SAT"},
};

constexpr int kSecondsPerDay = 86400;
constexpr int32_t kFirstDay = -719162;  // 0001-01-01
constexpr int32_t kLastDay = 2932896;   // 9999-12-31
constexpr int64_t kFirstSecond = int64_t{kFirstDay} * kSecondsPerDay;
constexpr int64_t kLastSecond = (int64_t{kLastDay} + 1) * kSecondsPerDay - 1;

struct Nickname {
  const char* name;
  const char* fields;
};
constexpr Nickname kNicknames[] = {
    {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The last day of month m (1-12) of year y, as days since 1970-01-01.
int64_t LastDayOfMonth(int y, int m) {
  return (m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, static_cast<unsigned>(m) + 1, 1)) - 1;
}

// The smallest set bit >= from, or -1.
int FirstAtOrAfter(uint64_t bits, int from) {
  if (from > 63) return -1;
  const uint64_t rest = bits & (~uint64_t{0} << from);
  return rest ? std::countr_zero(rest) : -1;
}
// The largest set bit <= upto, or -1.
int LastAtOrBefore(uint64_t bits, int upto) {
  if (upto < 0) return -1;
  const uint64_t rest = upto >= 63 ? bits : bits & ((uint64_t{1} << (upto + 1)) - 1);
  return rest ? 63 - std::countl_zero(rest) : -1;
}

// Parses the fields of one expression; positions are offsets into `whole`,
// the text the caller gave, which error messages quote.
class FieldParser {
 public:
  explicit FieldParser(std::string_view whole) : whole_(whole) {}

  Status Error(size_t pos, std::string what) const {
    return Status::InvalidArgument(fmt::format("cron '{}': {}", whole_, what), pos);
  }

  // One field starting at byte `pos` of `whole`; sets the bits of its values.
  Status Parse(const FieldSpec& f, std::string_view field, size_t pos, uint64_t* bits) const {
    size_t start = 0;
    while (true) {
      size_t comma = field.find(',', start);
      std::string_view item = field.substr(start, comma == std::string_view::npos ? comma : comma - start);
      TAGLOOP_RETURN_IF_ERROR(ParseItem(f, item, pos + start, bits));
      if (comma == std::string_view::npos) return Status::Ok();
      start = comma + 1;
    }
  }

 private:
  Status ParseItem(const FieldSpec& f, std::string_view item, size_t pos, uint64_t* bits) const {
    if (item.empty()) return Error(pos, fmt::format("{}: empty list element", f.name));
    const size_t slash = item.find('/');
    std::string_view range = item.substr(0, slash);
    int lo = f.min, hi = f.max, step = 1;
    if (range.empty()) return Error(pos, fmt::format("{}: missing value before '/'", f.name));
    if (range != "*") {
      const size_t dash = range.find('-');
      auto a = ParseValue(f, range.substr(0, dash), pos);
      if (!a.ok()) return a.status();
      lo = *a;
      if (dash != std::string_view::npos) {
        auto b = ParseValue(f, range.substr(dash + 1), pos + dash + 1);
        if (!b.ok()) return b.status();
        hi = *b;
        if (lo > hi) return Error(pos, fmt::format("{} range {} is backwards", f.name, range));
      } else if (slash == std::string_view::npos) {
        hi = lo;  // a single value; "a/n" keeps hi = max
      }
    }
    if (slash != std::string_view::npos) {
      std::string_view s = item.substr(slash + 1);
      const size_t spos = pos + slash + 1;
      if (s.empty() || s.size() > 9 ||
          !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Error(spos, fmt::format("{} step '{}' is not a number", f.name, s));
      }
      step = std::stoi(std::string(s));
      if (step < 1) return Error(spos, fmt::format("{} step must be at least 1, got {}", f.name, step));
    }
    for (int v = lo; v <= hi; v += step) *bits |= uint64_t{1} << v;
    return Status::Ok();
  }

  Result<int> ParseValue(const FieldSpec& f, std::string_view tok, size_t pos) const {
    if (tok.empty()) return Error(pos, fmt::format("{}: missing value", f.name));
    if (std::all_of(tok.begin(), tok.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      int64_t v = 0;
      for (char c : tok) v = std::min<int64_t>(v * 10 + (c - '0'), 1'000'000'000);
      if (v < f.min || v > f.max) {
        return Error(pos, fmt::format("{} {} is out of range {}-{}", f.name, tok, f.min, f.max));
      }
      return static_cast<int>(v);
    }
    if (f.names && tok.size() == 3) {
      for (int i = 0; i < f.name_count; ++i) {
        const char* n = f.names[i];
        if (std::toupper(static_cast<unsigned char>(tok[0])) == n[0] &&
            std::toupper(static_cast<unsigned char>(tok[1])) == n[1] &&
            std::toupper(static_cast<unsigned char>(tok[2])) == n[2]) {
          return f.min + i;
        }
      }
    }
    if (f.names) {
      return Error(pos, fmt::format("{} '{}' is not a number or a name ({})", f.name, tok, f.names_range));
    }
    return Error(pos, fmt::format("{} '{}' is not a number", f.name, tok));
  }

  std::string_view whole_;
};

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsBlank(text[begin])) ++begin;
  while (end > begin && IsBlank(text[end - 1])) --end;
  const FieldParser parser(text);
  if (begin == end) return parser.Error(0, "empty schedule");
  std::string_view body = text.substr(begin, end - begin);

  CronSchedule s;
  s.text_ = std::string(body);
  if (body[0] == '@') {
    for (const Nickname& n : kNicknames) {
      if (body.size() == std::string_view(n.name).size() &&
          std::equal(body.begin(), body.end(), n.name,
                     [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
        auto expanded = Parse(n.fields);
        if (!expanded.ok()) return expanded.status();
        expanded->text_ = s.text_;
        return expanded;
      }
    }
    return parser.Error(begin, fmt::format("unknown nickname '{}' (expected @hourly, @daily, @midnight, "
                                           "@weekly, @monthly, @yearly or @annually)",
                                           body));
  }

  // Split into fields, remembering where each starts in `text`.
  std::vector<std::pair<size_t, std::string_view>> fields;
  for (size_t i = begin; i < end;) {
    size_t j = i;
    while (j < end && !IsBlank(text[j])) ++j;
    fields.emplace_back(i, text.substr(i, j - i));
    while (j < end && IsBlank(text[j])) ++j;
    i = j;
  }
  if (fields.size() != 5) {
    return parser.Error(
        fields.size() > 5 ? fields[5].first : end,
        fmt::format("expected 5 fields (minute hour day-of-month month day-of-week), got {}", fields.size()));
  }
  uint64_t bits[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 5; ++i) {
    TAGLOOP_RETURN_IF_ERROR(parser.Parse(kFields[i], fields[i].second, fields[i].first, &bits[i]));
  }
  if (bits[4] & (uint64_t{1} << 7)) bits[4] = (bits[4] | 1) & 0x7f;  // 7 is Sunday
  s.minutes_ = bits[0];
  s.hours_ = static_cast<uint32_t>(bits[1]);
  s.days_ = static_cast<uint32_t>(bits[2]);
  s.months_ = static_cast<uint16_t>(bits[3]);
  s.weekdays_ = static_cast<uint8_t>(bits[4]);
  s.days_star_ = fields[2].second[0] == '*';
  s.weekdays_star_ = fields[4].second[0] == '*';
  if (!s.CanEverFire()) {
    return parser.Error(fields[2].first, fmt::format("never fires: day-of-month '{}' does not occur in "
                                                     "any month the month field allows",
                                                     fields[2].second));
  }
  return s;
}

bool CronSchedule::CanEverFire() const {
  // A day-of-month field starting with '*' includes day 1; when both day
  // fields are restricted a day matches on the weekday alone. Only a
  // restricted day-of-month ANDed with an unrestricted weekday can miss: it
  // fires iff some allowed month has one of its days (February counts 29),
  // as every calendar date falls on every weekday within 400 years.
  if (days_star_ || !weekdays_star_) return true;
  static const unsigned kMaxDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (unsigned m = 1; m <= 12; ++m) {
    if (!(months_ >> m & 1)) continue;
    if (days_ & ((uint64_t{1} << (kMaxDays[m] + 1)) - 1)) return true;
  }
  return false;
}

bool CronSchedule::DayMatches(int32_t days, unsigned day_of_month) const {
  const bool dom = (days_ >> day_of_month) & 1;
  const int weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  const bool dow = (weekdays_ >> weekday) & 1;
  return (days_star_ || weekdays_star_) ? (dom && dow) : (dom || dow);
}

int64_t CronSchedule::NextAfter(int64_t t, int utc_offset_minutes) const {
  const int64_t offset = int64_t{utc_offset_minutes} * 60;
  if (t > kLastSecond + 2 * kSecondsPerDay) return kNoNext;  // also keeps t + offset in range
  if (t < kFirstSecond - 2 * kSecondsPerDay) t = kFirstSecond - 2 * kSecondsPerDay;
  const int64_t start = FloorDiv(t + offset, 60) * 60 + 60;  // the next whole minute, local
  int64_t day = FloorDiv(start, kSecondsPerDay);
  int hour = static_cast<int>(start - day * kSecondsPerDay) / 3600;
  int minute = static_cast<int>(start - day * kSecondsPerDay) % 3600 / 60;
  if (day < kFirstDay) day = kFirstDay, hour = 0, minute = 0;
  while (day <= kLastDay) {
    int y;
    unsigned m, d;
    CivilFromDays(static_cast<int32_t>(day), y, m, d);
    if (!((months_ >> m) & 1)) {
      const int next = FirstAtOrAfter(months_, static_cast<int>(m) + 1);
      day = next > 0 ? DaysFromCivil(y, static_cast<unsigned>(next), 1)
                     : DaysFromCivil(y + 1, static_cast<unsigned>(std::countr_zero(months_)), 1);
      hour = minute = 0;
      continue;
    }
    if (!DayMatches(static_cast<int32_t>(day), d)) {
      ++day, hour = minute = 0;
      continue;
    }
    const int h = FirstAtOrAfter(hours_, hour);
    if (h < 0) {
      ++day, hour = minute = 0;
      continue;
    }
    if (h > hour) hour = h, minute = 0;
    const int mi = FirstAtOrAfter(minutes_, minute);
    if (mi < 0) {
      if (++hour == 24) ++day, hour = 0;
      minute = 0;
      continue;
    }
    return day * kSecondsPerDay + hour * 3600 + mi * 60 - offset;
  }
  return kNoNext;
}

int64_t CronSchedule::PreviousAtOrBefore(int64_t t, int utc_offset_minutes) const {
  const int64_t offset = int64_t{utc_offset_minutes} * 60;
  if (t < kFirstSecond - 2 * kSecondsPerDay) return kNoPrevious;
  if (t > kLastSecond + 2 * kSecondsPerDay) t = kLastSecond + 2 * kSecondsPerDay;
  const int64_t start = FloorDiv(t + offset, 60) * 60;  // the minute containing t, local
  int64_t day = FloorDiv(start, kSecondsPerDay);
  int hour = static_cast<int>(start - day * kSecondsPerDay) / 3600;
  int minute = static_cast<int>(start - day * kSecondsPerDay) % 3600 / 60;
  if (day > kLastDay) day = kLastDay, hour = 23, minute = 59;
  while (day >= kFirstDay) {
    int y;
    unsigned m, d;
    CivilFromDays(static_cast<int32_t>(day), y, m, d);
    if (!((months_ >> m) & 1)) {
      const int prev = LastAtOrBefore(months_, static_cast<int>(m) - 1);
      day = prev > 0 ? LastDayOfMonth(y, prev) : LastDayOfMonth(y - 1, LastAtOrBefore(months_, 12));
      hour = 23, minute = 59;
      continue;
    }
    if (!DayMatches(static_cast<int32_t>(day), d)) {
      --day, hour = 23, minute = 59;
      continue;
    }
    const int h = LastAtOrBefore(hours_, hour);
    if (h < 0) {
      --day, hour = 23, minute = 59;
      continue;
    }
    if (h < hour) hour = h, minute = 59;
    const int mi = LastAtOrBefore(minutes_, minute);
    if (mi < 0) {
      if (--hour < 0) --day, hour = 23;
      minute = 59;
      continue;
    }
    return day * kSecondsPerDay + hour * 3600 + mi * 60 - offset;
  }
  return kNoPrevious;
}

}  // namespace tagloop
