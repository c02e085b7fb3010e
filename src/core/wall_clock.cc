#include "core/wall_clock.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/date.h"

namespace tagloop {

namespace {

int64_t SystemMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class SystemWallClock : public WallClock {
 public:
  explicit SystemWallClock(int64_t shift_ms) : shift_ms_(shift_ms) {}
  int64_t NowUnixMillis() override { return SystemMillis() + shift_ms_; }

 private:
  const int64_t shift_ms_;  // 0 unless TAGLOOP_NOW is set
};

int64_t ShiftFromEnvironment() {
  const char* text = std::getenv("TAGLOOP_NOW");
  if (text == nullptr) return 0;
  Result<std::optional<int64_t>> start = ParseClockOverride(text);
  if (!start.ok()) {
    std::fprintf(stderr, "tagloop: %s\n", start.status().message().c_str());
    std::exit(2);
  }
  return start->has_value() ? **start - SystemMillis() : 0;
}

}  // namespace

Result<std::optional<int64_t>> ParseClockOverride(std::string_view text) {
  if (text.empty()) return std::optional<int64_t>();
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size() && seconds >= 0) {
    return std::optional<int64_t>(seconds * 1000);
  }
  Result<Days> day = ParseDate(text);
  if (day.ok()) return std::optional<int64_t>((int64_t{*day} * 86400 + 12 * 3600) * 1000);
  return Status::InvalidArgument(fmt::format(
      "TAGLOOP_NOW='{}' is neither Unix seconds nor a date YYYY-MM-DD", text));
}

WallClock* WallClock::Default() {
  static SystemWallClock clock(ShiftFromEnvironment());
  return &clock;
}

}  // namespace tagloop
