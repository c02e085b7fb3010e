// WallClock: the time of day, for timestamps that are stored (token creation,
// last use, revocation, audit entries). A seam for tests, like core/env.h;
// Env::NowMicros is a monotonic clock and Env::NowUnixSeconds too coarse for
// an audit log. Thread-safe.
#pragma once

#include <cstdint>

namespace tagloop {

class WallClock {
 public:
  virtual ~WallClock() = default;
  // Unix time in milliseconds.
  virtual int64_t NowUnixMillis() = 0;
  // The system clock; never destroyed.
  static WallClock* Default();
};

}  // namespace tagloop
