// A WallClock that tests set and advance by hand.
#pragma once

#include <atomic>

#include "core/wall_clock.h"

namespace tagloop::testing {

class FakeWallClock : public WallClock {
 public:
  explicit FakeWallClock(int64_t now_ms) : now_ms_(now_ms) {}
  void AdvanceMillis(int64_t ms) { now_ms_ += ms; }
  int64_t NowUnixMillis() override { return now_ms_; }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace tagloop::testing
