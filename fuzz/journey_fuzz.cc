// Fuzzes journey definitions (outreach/journey.h through Campaign::FromJson)
// and the journey state file (outreach/journey_state.h): arbitrary bytes,
// as a definition when they parse as JSON, must give an InvalidArgument or a
// journey whose graph holds (every reference names a step, written back the
// same); as a state file (after the header) they must replay to a valid
// prefix or be refused, never crash. Seeds: fuzz/corpus/journey/.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "outreach/campaign.h"
#include "outreach/journey_state.h"

namespace {

void Definition(const uint8_t* data, size_t size) {
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  auto c = tagloop::outreach::Campaign::FromJson(j);
  if (!c.ok()) {
    if (c.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
    return;
  }
  if (!c->journey) return;
  for (const auto& s : c->journey->steps) {
    for (const std::string& next : s.Successors()) {
      if (c->journey->Find(next) == nullptr) std::abort();
    }
  }
  auto again = tagloop::outreach::Campaign::FromJson(c->ToJson());
  if (!again.ok() || again->ToJson() != c->ToJson()) std::abort();
}

void StateFile(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/journey_fuzz." + std::to_string(getpid()) + ".state";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write("TLJSTATE\1\0\0\0\0\0\0\0", 16);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  tagloop::outreach::JourneyStateOptions read;
  read.read_only = true;
  auto s = tagloop::outreach::JourneyState::Open(path, read);
  if (s.ok()) {
    (void)(*s)->InsideCount();
    (void)(*s)->Tallies();
    (void)(*s)->DueGroups(INT64_MAX);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Definition(data, size);
  StateFile(data, size);
  return 0;
}
