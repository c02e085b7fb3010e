// Calendar days as int32 days since 1970-01-01 (proleptic Gregorian), the
// representation of `date` tag values and of version business dates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tagloop {

using Days = int32_t;

// Parses exactly "YYYY-MM-DD" (years 0001-9999) and checks the day exists.
Result<Days> ParseDate(std::string_view text);
// Formats as "YYYY-MM-DD".
std::string FormatDate(Days days);
Days DaysFromCivil(int year, unsigned month, unsigned day);
// The inverse: year, month (1-12) and day (1-31) of `days`.
void CivilFromDays(Days days, int& year, unsigned& month, unsigned& day);
// Today's date in UTC for a unix time in seconds.
Days DaysFromUnixSeconds(int64_t unix_seconds);

}  // namespace tagloop
