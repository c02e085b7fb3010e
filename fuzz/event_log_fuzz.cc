// Fuzzes the event log reader: the input is written as the segment file
// events/2026-11-24.evl of a fresh data directory, which is then opened
// (torn-tail truncation, corruption checks), scanned and appended to (which
// loads the day's event ids). Anything may fail with a Status; nothing may
// crash. Seeds (segments written by EventLog): fuzz/corpus/event_log/.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "events/event_log.h"

namespace ev = tagloop::events;

namespace {

// A scratch data directory for this process, removed at exit.
struct ScratchDir {
  std::string path =
      (std::filesystem::temp_directory_path() / ("event_log_fuzz." + std::to_string(::getpid()))).string();
  ScratchDir() { std::filesystem::create_directories(path + "/events"); }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchDir scratch;
  const std::string& dir = scratch.path;
  const std::string file = dir + "/events/2026-11-24.evl";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ev::EventLogOptions options;
  options.sync = false;
  auto log = ev::EventLog::Open(dir, options);
  if (!log.ok()) return 0;
  size_t events = 0;
  auto st = (*log)->Scan(INT32_MIN, INT32_MAX, [&](const ev::Event& e) {
    if (e.event_id.empty()) std::abort();  // the decoder refuses empty ids
    ++events;
    return tagloop::Status::Ok();
  });
  if (st.ok() && events != (*log)->stats().events) std::abort();
  ev::Event e;
  e.event_id = "fuzz";
  e.type = "order_paid";
  e.user_id = "u";
  e.time_ms = 1'795'564'800'000 - 10 * 3'600'000;  // 2026-11-24 at +08:00
  (void)(*log)->Append(std::vector<ev::Event>{e});
  return 0;
}
