// Helpers for the RuleState tests: rules from JSON text, events, times.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "events/event_rule.h"
#include "events/event_time.h"
#include "events/rule_state.h"

namespace tagloop::events {

using Changes = std::vector<TagValueChange>;
using PropertyValues = std::vector<std::pair<std::string, PropertyValue>>;

inline void PrintTo(const TagValueChange& c, std::ostream* os) {
  *os << "{user " << c.user;
  if (!c.has_value) {
    *os << ": no value}";
  } else {
    *os << ": '" << c.text << "' " << c.number << "}";
  }
}

namespace testing_events {

using Changes = std::vector<TagValueChange>;
using PropertyValues = std::vector<std::pair<std::string, PropertyValue>>;

// Parses `settings` for a tag of `type` without a registry; fails the test on error.
inline EventRule MakeRule(const std::string& settings, const char* type, bool realtime = true) {
  auto rule = ParseEventRule(nlohmann::json::parse(settings), *TagType::Parse(type), realtime, nullptr);
  EXPECT_TRUE(rule.ok()) << settings << ": " << rule.status().ToString();
  return rule.ok() ? *rule : EventRule{};
}

inline Event Ev(std::string type, int64_t time_ms, PropertyValues properties = {}) {
  Event e;
  e.type = std::move(type);
  e.time_ms = time_ms;
  e.properties = std::move(properties);
  std::sort(e.properties.begin(), e.properties.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return e;
}

// Unix ms of RFC 3339 text.
inline int64_t Ms(const char* text) {
  auto ms = ParseRfc3339Millis(text);
  EXPECT_TRUE(ms.ok()) << text;
  return ms.ok() ? *ms : 0;
}

}  // namespace testing_events
}  // namespace tagloop::events
