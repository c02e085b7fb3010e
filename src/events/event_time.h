// RFC 3339 timestamps (event times and `time` properties), parsed strictly
// into Unix milliseconds and formatted back.
//
// Accepted: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), where the `T`
// may also be `t` or a space and the `Z` may be `z` (RFC 3339 section 5.6
// and its NOTE). The fraction has 1 to 9 digits and is truncated (not
// rounded) to milliseconds. Years 0001-9999; the day must exist (29 February
// only in leap years); hours 00-23, minutes and seconds 00-59 (a leap second
// `:60` is refused: Unix time has none); offsets up to +/-23:59, `-00:00`
// meaning UTC. Nothing may precede or follow.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tagloop::events {

// Unix milliseconds (UTC) of `text`. InvalidArgument "not RFC 3339 ...: <what>"
// naming the first problem (the caller prefixes the field).
Result<int64_t> ParseRfc3339Millis(std::string_view text);

// "2026-11-24T10:15:00.000+08:00" for `ms` shown at UTC offset
// `offset_minutes` (-1439..1439; 0 gives the `Z` form
// "2026-11-24T02:15:00.000Z"). Always three fraction digits.
std::string FormatRfc3339Millis(int64_t ms, int offset_minutes = 0);

}  // namespace tagloop::events
