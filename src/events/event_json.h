// Events as JSON: checking one event against its type's schema, writing one
// back, and parsing a batch body (a JSON array or NDJSON) as the ingestion
// API receives it.
//
//   {"event_id": "o-1001-paid", "type": "order_paid", "user_id": "M0012345678",
//    "time": "2026-11-24T10:15:00+08:00",
//    "properties": {"order_id": "o-1001", "city": "上海", "amount": 399.00}}
//
// Rules (each broken rule is InvalidArgument "<field>: <what>"):
//   - exactly the fields event_id, type, user_id, time and optionally
//     properties (an object); anything else is an unknown field;
//   - event_id and user_id: strings of 1..128 bytes without control
//     characters;
//   - type: a type registered in the EventTypeRegistry ("did you mean" when
//     a registered name is close);
//   - time: RFC 3339 text (event_time.h), not before 2000-01-01T00:00:00Z and
//     not more than one day after `now_ms` (clock skew of the sender);
//   - properties: only names the schema declares, each of its declared type
//     (string: at most kMaxStringPropertyBytes bytes; int: a JSON integer, or
//     a number with a zero fraction, within int64; number: any finite number;
//     bool: true/false; time: RFC 3339 text), every required one present. A
//     null value counts as absent.
//
// Thread-safety: pure functions (the registry is thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "events/event.h"
#include "events/event_types.h"

namespace tagloop::events {

inline constexpr size_t kMaxIdBytes = 128;
inline constexpr size_t kMaxStringPropertyBytes = 4096;
// 2000-01-01T00:00:00Z: earlier event times are refused.
inline constexpr int64_t kMinEventTimeMs = 946'684'800'000;
// Event times may be at most this far after `now_ms`.
inline constexpr int64_t kMaxFutureMs = 86'400'000;

// The event `j` describes, checked against its type in `types`, with the
// properties sorted by name. See the rules above; errors name the field,
// e.g. "properties.amount: expected number, got string",
// "type: unknown event type 'order_payed' (did you mean 'order_paid'?)".
Result<Event> EventFromJson(const nlohmann::json& j, const EventTypeRegistry& types, int64_t now_ms);

// The JSON form of `event` (time in UTC with milliseconds,
// "2026-11-24T02:15:00.000Z"). `time` properties are written as RFC 3339 text
// when `schema` (the event's type) is given, else as their Unix milliseconds.
nlohmann::json EventToJson(const Event& event, const EventTypeSchema* schema = nullptr);

// A checked batch body. Every item of the body is either in `events` (with
// its position in `indexes`, parallel) or in `rejected` (position, reason),
// both ascending by position; total = events.size() + rejected.size().
struct ParsedBatch {
  std::vector<Event> events;
  std::vector<size_t> indexes;                           // position of each event in the body
  std::vector<std::pair<size_t, std::string>> rejected;  // position, reason
  size_t total = 0;
};

// Parses a batch body: a JSON array of event objects, or NDJSON (one event
// object per line, "\n" or "\r\n"; blank lines skipped, not counted). Which
// one is decided by the first non-blank byte ('[' = array). Each invalid
// event is rejected with its reason and the others are kept. In NDJSON a
// line that is not JSON rejects that line only ("line 3: not JSON: ...");
// an array body that is not valid JSON fails as a whole: InvalidArgument
// "body: not a JSON array: ... (byte N)". A body with nothing but blanks is
// an empty batch.
Result<ParsedBatch> ParseEventBatch(std::string_view body, const EventTypeRegistry& types, int64_t now_ms);

}  // namespace tagloop::events
