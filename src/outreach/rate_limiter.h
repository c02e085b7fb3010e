// A token bucket: `rate` tokens a second, at most `burst` saved up. Used by
// a dispatcher lane to pace a channel's requests (`rate_per_second`).
// A gateway that asks to slow down (Throttle) halves the rate, which then
// climbs back linearly to the configured one (AIMD, as TCP does).
// Time comes from a clock function (monotonic µs) so tests can fake it.
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
  // Halves the current rate (not below a 64th of the configured one) and
  // drops the saved tokens; the rate climbs back to the configured one in
  // kRecoverySeconds from a halving.
  void Throttle();
  static constexpr double kRecoverySeconds = 5;
  // The current rate (tokens a second).
  double rate();

 private:
  void Refill();
  double max_rate_, rate_, burst_, tokens_;
  int64_t last_us_;
  Clock clock_;
};

// Monotonic microseconds (steady_clock).
int64_t MonotonicMicros();

}  // namespace tagloop::outreach
