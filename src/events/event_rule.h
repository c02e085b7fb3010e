// Event rules: how a `realtime` or `behavior` tag turns a user's events into
// a value (issue 5). The rule is the tag definition's producer settings (the
// "producer" object minus "kind"):
//
//   latest      {"rule": "latest", "events": ["order_created", "order_paid"], "property": "$type",
//                "map": {"order_created": "已下单"}}
//     The `property` of the user's latest matching event (latest by event
//     time; on a tie the event applied later wins). "$type" is the event
//     type's name. `map` (enum tags only) translates values; a value the map
//     does not name is kept as it is. An event without the property does not
//     match. Tag: enum (string/int/bool property or $type), int or decimal:N
//     (int/number property), date (time property), bool (bool property).
//   flag        {"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned"]}
//     bool: true when the latest of the user's start and end events is a
//     start (on a tie, the one applied later), false when it is an end; no
//     value while the user has no start event.
//   count       {"rule": "count", "events": ["order_paid"], "where": {...}, "window_days": 30}
//     int: the number of matching events in the window. A user whose count
//     drops to 0 loses the value (no value, not 0). With "at_least": N the
//     tag is bool: `true` when the count is >= N, otherwise no value.
//   sum, avg, min, max  {"rule": "sum", "events": [...], "property": "amount", "window_days": 90}
//     int or decimal:N over an int/number property: each event's amount is
//     scaled by 10^N and rounded half away from zero (on the decimal digits
//     the number was written with) before it is added, so sums are exact and
//     do not depend on the order events arrive in; avg is sum / count rounded
//     half away from zero. min and max also take a time property for a date
//     tag. No value when the window holds no matching event.
//   first_time, last_time  {"rule": "last_time", "events": ["order_paid"], "where": {...}}
//     date: the business date of the user's first / last matching event.
//
// Shared fields:
//   where: {"city": "上海"} (equality), {"city": ["上海", "北京"]} (any of),
//     {"amount": {">=": 100, "<": 500}} (every operator holds; = != > >= < <=).
//     All properties must hold. A missing property never matches (not even
//     "!="), nor does a value of another kind (a string against a number).
//     Strings order by bytes; booleans take only = and !=; a time property
//     compares with integer Unix milliseconds, or RFC 3339 text when the
//     registry is given (the parser converts it; without the registry the
//     property's type is unknown and text stays text, matching nothing).
//   window_days (count/sum/avg/min/max): 1..3650; the window is the sliding
//     (now - window_days x 86400000 ms, now] of the state's clock
//     (rule_state.h). Without a window (and without from/to) every matching
//     event the state has seen counts.
//   from, to (same rules, behavior tags only): business dates "YYYY-MM-DD",
//     inclusive, instead of window_days: an event counts when its business
//     date is within them.
//
// Thread-safe: the functions only read their arguments.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "events/event.h"

namespace tagloop::events {

class EventTypeRegistry;  // events/event_types.h

enum class RuleKind : uint8_t { kLatest, kFlag, kCount, kSum, kAvg, kMin, kMax, kFirstTime, kLastTime };
const char* RuleKindName(RuleKind kind);  // "latest", "flag", ...

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
const char* CompareOpName(CompareOp op);  // "=", "!=", "<", ...

// One condition of `where` on one property.
struct Condition {
  std::string property;
  CompareOp op = CompareOp::kEq;
  // kEq: the property equals any of these (one or more); other operators:
  // exactly one operand.
  std::vector<PropertyValue> values;
  bool operator==(const Condition&) const = default;
};

// The "property" that names the event type itself (latest only).
inline constexpr char kTypeProperty[] = "$type";

struct EventRule {
  RuleKind kind = RuleKind::kLatest;
  // The event types read (every kind but flag), each once, in the given order.
  std::vector<std::string> events;
  // flag: the types that start and end the state; disjoint, each once.
  std::vector<std::string> start;
  std::vector<std::string> end;
  // latest, sum, avg, min, max: the property read; latest may use "$type".
  std::string property;
  // latest on an enum tag: value -> the value stored instead.
  std::map<std::string, std::string, std::less<>> map;
  // Every condition must hold (from "where"; one per operator of an object).
  std::vector<Condition> where;
  // count/sum/avg/min/max: 1..3650, or 0 = no sliding window.
  int32_t window_days = 0;
  // count/sum/avg/min/max of behavior tags: inclusive business-date range
  // (both set or neither; never together with window_days).
  std::optional<Days> from;
  std::optional<Days> to;
  // count only: > 0 makes the tag bool (true when count >= at_least).
  int64_t at_least = 0;
  bool operator==(const EventRule&) const = default;
};

// Parses and checks a rule for a tag of `tag_type`. `realtime` is true for a
// `realtime` producer (from/to refused: a live state has only sliding
// windows), false for `behavior`. With `types` (may be null: those checks are
// skipped) every event type must be registered, and `property` and every
// `where` property must be in the schema of every event type the rule reads,
// with a type that fits the tag or the condition's values.
// InvalidArgument "producer.<field>: <what>" for the first problem:
// "producer.window_days: must be 1..3650", "producer.events[1]: unknown
// event type 'order_payed'", "producer.property: 'amount' is not in the
// schema of 'car_returned'", "producer.rule: a count rule makes an int tag
// (or bool with at_least), not enum", "producer.match: unknown field
// (expected rule, start, end, where)", ...
[[nodiscard]] Result<EventRule> ParseEventRule(const nlohmann::json& producer_settings,
                                               const TagType& tag_type, bool realtime,
                                               const EventTypeRegistry* types);

// The event types `rule` reads (flag: start then end), each once.
std::vector<std::string> EventTypesOf(const EventRule& rule);

// How far before "now" an event can still change the value: the window
// (window_days x 86400000) for sliding windows, INT64_MAX (unbounded) for
// latest, flag, first_time, last_time, rules without a window, and from/to
// ranges (whose events the caller bounds by `rule.from`).
int64_t LookbackMillis(const EventRule& rule);

// Parses a `where` object (see above) on events of `event_types` (checked
// against their schemas when `types` is given), for other documents than
// tag rules (journeys). Errors are InvalidArgument "<field>.<property>:
// <what>" with `field` naming the object ("steps[1].where").
[[nodiscard]] Result<std::vector<Condition>> ParseWhere(const nlohmann::json& where,
                                                        const std::vector<std::string>& event_types,
                                                        const EventTypeRegistry* types, std::string_view field);

// True when every condition holds for `event` (see "where" above).
bool MatchesWhere(const std::vector<Condition>& where, const Event& event);

}  // namespace tagloop::events
