// Fuzzes cron schedule parsing (produce/cron.h): arbitrary text must be
// rejected with InvalidArgument or parsed; a parsed schedule's next fire
// time after any instant must be later than it, and the previous fire time
// at or before it no later; both must come back quickly (no minute loops).
// Seeds: fuzz/corpus/cron/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "produce/cron.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 10) return 0;
  int64_t t = 0;
  std::memcpy(&t, data, 8);
  t = static_cast<int64_t>(static_cast<uint64_t>(t) % 8'000'000'000ULL);  // years 1970..2223
  int offset = static_cast<int>(static_cast<int8_t>(data[8])) * 6;             // -768..762 minutes
  const std::string_view text(reinterpret_cast<const char*>(data) + 9, size - 9);
  auto cron = tagloop::CronSchedule::Parse(text);
  if (!cron.ok()) {
    if (cron.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
    return 0;
  }
  int64_t next = cron->NextAfter(t, offset);
  if (next != tagloop::CronSchedule::kNoNext && next <= t) std::abort();
  int64_t previous = cron->PreviousAtOrBefore(t, offset);
  if (previous != tagloop::CronSchedule::kNoPrevious && previous > t) std::abort();
  return 0;
}
