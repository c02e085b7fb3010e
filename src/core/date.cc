#include "core/date.h"

#include <fmt/format.h>

namespace tagloop {

// Howard Hinnant's civil-date algorithms (public domain formulas).
Days DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(Days z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

static bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Result<Days> ParseDate(std::string_view s) {
  auto bad = [&] { return Status::InvalidArgument(fmt::format("invalid date '{}': expected YYYY-MM-DD", s)); };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad();
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (int i = 0; i < lens[f]; ++i) {
      char c = s[starts[f] + i];
      if (c < '0' || c > '9') return bad();
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (v[0] < 1 || v[1] < 1 || v[1] > 12) return bad();
  unsigned max_day = kDays[v[1] - 1] + (v[1] == 2 && IsLeap(v[0]) ? 1 : 0);
  if (v[2] < 1 || static_cast<unsigned>(v[2]) > max_day) {
    return Status::InvalidArgument(fmt::format("invalid date '{}': no such day", s));
  }
  return DaysFromCivil(v[0], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2]));
}

std::string FormatDate(Days days) {
  int y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

Days DaysFromUnixSeconds(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  if (unix_seconds % 86400 < 0) --days;
  return static_cast<Days>(days);
}

}  // namespace tagloop
