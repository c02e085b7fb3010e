// A token bucket: `rate` tokens a second, at most `burst` saved up. Used by
// a dispatcher lane to pace a channel's requests (`rate_per_second`).
// Time comes from a clock function (Unix ms) so tests can fake it.
// Not thread-safe: one per lane.
#pragma once

#include <cstdint>
#include <functional>

namespace tagloop::outreach {

class RateLimiter {
 public:
  using Clock = std::function<int64_t()>;  // monotonic microseconds
  // rate > 0; burst ≥ 1 (default: a twentieth of a second's worth, at least 1).
  explicit RateLimiter(double rate_per_second, double burst = 0, Clock clock = {});

  // Takes up to `want` tokens that are available now (whole ones) and
  // returns how many; 0 when none.
  size_t TryAcquire(size_t want);
  // Microseconds until at least one token is available (0: now).
  int64_t MicrosUntilNext();
  double rate() const { return rate_; }

 private:
  void Refill();
  double rate_, burst_, tokens_;
  int64_t last_us_;
  Clock clock_;
};

// Monotonic microseconds (steady_clock).
int64_t MonotonicMicros();

}  // namespace tagloop::outreach
