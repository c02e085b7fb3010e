// An event: one thing a user did (or that happened to a user), as the
// business order model and the outreach outcomes describe it (issue 5).
//
//   {"event_id": "o-1001-paid", "type": "order_paid", "user_id": "M0012345678",
//    "time": "2026-11-24T10:15:00+08:00",
//    "properties": {"order_id": "o-1001", "city": "上海", "amount": 399.00}}
//
// `event_id` de-duplicates (an id seen before is acknowledged and ignored),
// `type` names a registered event type (event_types.h) whose schema the
// properties must follow, `time` is RFC 3339 with an offset (kept as Unix
// milliseconds, UTC).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tagloop::events {

// The types a property may have in an event type's schema.
//   string: any UTF-8 text;  int: a JSON integer (int64);
//   number: any JSON number (kept as double; decimal tags scale it);
//   bool: true/false;  time: RFC 3339 text, kept as Unix milliseconds.
enum class PropertyType : uint8_t { kString, kInt, kNumber, kBool, kTime };
const char* PropertyTypeName(PropertyType type);  // "string", "int", ...

// A property's value, already checked against its schema type:
// kString -> std::string, kInt and kTime -> int64_t, kNumber -> double,
// kBool -> bool.
using PropertyValue = std::variant<std::string, int64_t, double, bool>;

struct Event {
  std::string event_id;  // 1..128 bytes, no control characters
  std::string type;      // a registered event type
  std::string user_id;   // the external user id (same rules as the tag store's ids)
  int64_t time_ms = 0;   // Unix milliseconds, UTC
  // Sorted by name, names unique; only names the type's schema declares.
  std::vector<std::pair<std::string, PropertyValue>> properties;

  // The property's value, or null when the event does not carry it.
  const PropertyValue* Find(std::string_view name) const;
};

}  // namespace tagloop::events
