#include "events/event_time.h"

#include <fmt/format.h>

#include "core/date.h"

namespace tagloop::events {

namespace {

constexpr std::string_view kShape = "YYYY-MM-DDTHH:MM:SS[.sss](Z|+HH:MM)";

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads exactly `n` digits at `pos`; false when one is not a digit or missing.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool At(std::string_view s, size_t pos, char c) { return pos < s.size() && s[pos] == c; }

}  // namespace

Result<int64_t> ParseRfc3339Millis(std::string_view s) {
  auto bad = [&](std::string_view what) {
    std::string shown(s.substr(0, 64));
    if (s.size() > 64) shown += "...";
    return Status::InvalidArgument(fmt::format("not RFC 3339 '{}': {} (expected {})", shown, what, kShape));
  };
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || !At(s, 4, '-') || !Digits(s, 5, 2, &month) || !At(s, 7, '-') ||
      !Digits(s, 8, 2, &day)) {
    return bad("the date must be YYYY-MM-DD");
  }
  if (s.size() <= 10 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return bad("the date must be followed by 'T' and a time");
  }
  if (!Digits(s, 11, 2, &hour) || !At(s, 13, ':') || !Digits(s, 14, 2, &minute) || !At(s, 16, ':') ||
      !Digits(s, 17, 2, &second)) {
    return bad("the time must be HH:MM:SS");
  }
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1) return bad("year 0000 out of range");
  if (month < 1 || month > 12) return bad(fmt::format("month {:02} out of range", month));
  const int max_day = kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
  if (day < 1 || day > max_day)
    return bad(fmt::format("day {:02} does not exist in {:04}-{:02}", day, year, month));
  if (hour > 23) return bad(fmt::format("hour {:02} out of range", hour));
  if (minute > 59) return bad(fmt::format("minute {:02} out of range", minute));
  if (second == 60) return bad("leap seconds are not supported");
  if (second > 59) return bad(fmt::format("second {:02} out of range", second));

  size_t pos = 19;
  int millis = 0;
  if (At(s, pos, '.')) {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad("a '.' must be followed by fraction digits");
    if (digits > 9) return bad("more than 9 fraction digits");
    for (size_t d = digits; d < 3; ++d) millis *= 10;
  }
  int offset_minutes = 0;
  if (At(s, pos, 'Z') || At(s, pos, 'z')) {
    ++pos;
  } else if (At(s, pos, '+') || At(s, pos, '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || !At(s, pos + 3, ':') || !Digits(s, pos + 4, 2, &om)) {
      return bad("the offset must be Z or +HH:MM / -HH:MM");
    }
    if (oh > 23 || om > 59) return bad("offset out of range");
    offset_minutes = sign * (oh * 60 + om);
    pos += 6;
  } else {
    return bad(pos == s.size() ? "missing the UTC offset (Z or +HH:MM)"
                               : "the offset must be Z or +HH:MM / -HH:MM");
  }
  if (pos != s.size()) return bad("unexpected text after the offset");

  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - int64_t{offset_minutes} * 60;
  return seconds * 1000 + millis;
}

std::string FormatRfc3339Millis(int64_t ms, int offset_minutes) {
  const int64_t local = ms + int64_t{offset_minutes} * 60'000;
  int64_t days = local / 86'400'000;
  int64_t rest = local % 86'400'000;
  if (rest < 0) {
    rest += 86'400'000;
    --days;
  }
  int year;
  unsigned month, day;
  CivilFromDays(static_cast<Days>(days), year, month, day);
  const int64_t h = rest / 3'600'000, m = rest / 60'000 % 60, sec = rest / 1000 % 60, milli = rest % 1000;
  std::string out =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", year, month, day, h, m, sec, milli);
  if (offset_minutes == 0) {
    out += 'Z';
  } else {
    const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    out += fmt::format("{}{:02}:{:02}", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  }
  return out;
}

}  // namespace tagloop::events
