#include "core/wall_clock.h"

#include <chrono>

namespace tagloop {

namespace {

class SystemWallClock : public WallClock {
 public:
  int64_t NowUnixMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

WallClock* WallClock::Default() {
  static SystemWallClock clock;
  return &clock;
}

}  // namespace tagloop
