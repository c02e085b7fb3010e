// WallClock: the time of day, for timestamps that are stored (token creation,
// last use, revocation, audit entries) and for everything that derives a
// business date from "now" (scheduler catch-up, default as-of dates,
// real-time day boundaries). A seam for tests, like core/env.h; Env::NowMicros
// is a monotonic clock. Thread-safe.
//
// The process-wide default is the system clock, shifted when the environment
// variable TAGLOOP_NOW names another start time: Unix seconds ("1795000000")
// or a date ("2026-11-25", taken as 12:00 UTC). The shifted clock starts at
// that instant when the process first asks and then runs at real speed, so
// timers and time-outs behave; the demo set-up and tests use it to make a
// whole run of commands (and the server they start) live on a fixed day. An
// unreadable TAGLOOP_NOW stops the process with a message naming it: a clock
// silently left at today would produce data for the wrong day.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"

namespace tagloop {

class WallClock {
 public:
  virtual ~WallClock() = default;
  // Unix time in milliseconds.
  virtual int64_t NowUnixMillis() = 0;
  int64_t NowUnixSeconds() { return NowUnixMillis() / 1000; }
  // The system clock (or the TAGLOOP_NOW one); never destroyed.
  static WallClock* Default();
};

// The start time TAGLOOP_NOW names, in Unix milliseconds (nullopt when the
// text is empty). InvalidArgument naming the text when it is neither Unix
// seconds nor YYYY-MM-DD.
Result<std::optional<int64_t>> ParseClockOverride(std::string_view text);

}  // namespace tagloop
