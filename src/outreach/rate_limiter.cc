#include "outreach/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace tagloop::outreach {

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RateLimiter::RateLimiter(double rate, double burst, Clock clock)
    : max_rate_(rate > 0 ? rate : 1), rate_(max_rate_), clock_(clock ? std::move(clock) : Clock(MonotonicMicros)) {
  burst_ = burst >= 1 ? burst : std::max(1.0, rate_ / 20);
  tokens_ = burst_;
  last_us_ = clock_();
}

void RateLimiter::Refill() {
  const int64_t now = clock_();
  const double seconds = static_cast<double>(now - last_us_) / 1e6;
  tokens_ = std::min(burst_, tokens_ + seconds * rate_);
  // Back to the configured rate in kRecoverySeconds from half of it.
  if (rate_ < max_rate_) rate_ = std::min(max_rate_, rate_ + seconds * max_rate_ / (2 * kRecoverySeconds));
  last_us_ = now;
}

void RateLimiter::Throttle() {
  Refill();
  rate_ = std::max(rate_ / 2, max_rate_ / 64);
  tokens_ = std::min(tokens_, 0.0);
}

double RateLimiter::rate() {
  Refill();
  return rate_;
}

size_t RateLimiter::TryAcquire(size_t want) {
  Refill();
  const size_t n = std::min(want, static_cast<size_t>(std::floor(tokens_)));
  tokens_ -= static_cast<double>(n);
  return n;
}

int64_t RateLimiter::MicrosUntilNext() {
  Refill();
  if (tokens_ >= 1) return 0;
  return static_cast<int64_t>(std::ceil((1 - tokens_) * 1e6 / rate_));
}

}  // namespace tagloop::outreach
