// Helpers for the event API tests: event JSON at real times (the server
// checks event times against its own clock), a batch as a JSON array or
// NDJSON, and the orders_30d real-time tag (count of order_paid, 30 days).
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/event_time.h"

namespace tagloop::testing {

inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string Rfc3339(int64_t ms) { return events::FormatRfc3339Millis(ms); }

// An order_paid event (amount and order_id are required by its schema).
inline nlohmann::json PaidEvent(const std::string& id, const std::string& user, int64_t time_ms,
                                double amount = 100) {
  return {{"event_id", id},
          {"type", "order_paid"},
          {"user_id", user},
          {"time", Rfc3339(time_ms)},
          {"properties", {{"order_id", "o-" + id}, {"amount", amount}}}};
}

inline std::string Ndjson(const std::vector<nlohmann::json>& events) {
  std::string out;
  for (const auto& e : events) out += e.dump() + "\n";
  return out;
}

inline std::string JsonArray(const std::vector<nlohmann::json>& events) {
  return nlohmann::json(events).dump();
}

// The catalog definition of orders_30d (PUT /catalog/tags/orders_30d).
inline nlohmann::json Orders30dDefinition() {
  return {{"type", "int"},
          {"producer",
           {{"kind", "realtime"}, {"rule", "count"}, {"events", {"order_paid"}}, {"window_days", 30}}}};
}

}  // namespace tagloop::testing
