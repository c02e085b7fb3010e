// Fuzzes event batch parsing (events/event_json.h) with the built-in types:
// arbitrary bytes must give an InvalidArgument or a batch whose positions
// add up, never a crash or an escaping exception. Every accepted event must
// survive the two ways back: JSON text (EventToJson, dumped, parsed again)
// and the event log's binary record. Seeds: fuzz/corpus/event_batch/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "events/event_json.h"
#include "events/event_record.h"

namespace ev = tagloop::events;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* types = ev::EventTypeRegistry::BuiltinOnly().release();
  constexpr int64_t kNow = 1'795'564'800'000;  // 2026-11-25T00:00:00Z
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto batch = ev::ParseEventBatch(body, *types, kNow);
  if (!batch.ok()) {
    if (batch.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
    return 0;
  }
  if (batch->events.size() != batch->indexes.size() ||
      batch->events.size() + batch->rejected.size() != batch->total) {
    std::abort();
  }
  for (const ev::Event& e : batch->events) {
    const ev::EventTypeSchema* schema = types->Find(e.type);
    if (schema == nullptr) std::abort();
    const std::string text = ev::EventToJson(e, schema).dump();
    auto back = ev::EventFromJson(nlohmann::json::parse(text), *types, kNow);
    if (!back.ok() || back->event_id != e.event_id || back->user_id != e.user_id ||
        back->time_ms != e.time_ms || back->properties != e.properties) {
      std::abort();
    }
    std::string record;
    if (!ev::AppendEventRecord(e, &record).ok()) std::abort();
    size_t next = 0;
    auto decoded = ev::DecodeEventPayload(ev::RecordPayloadAt(record, 0, &next));
    if (!decoded.ok() || next != record.size() || decoded->properties != e.properties ||
        decoded->event_id != e.event_id || decoded->type != e.type) {
      std::abort();
    }
  }
  return 0;
}
