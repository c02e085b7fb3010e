// SuppressionPolicy: who must not be sent to, and when not (contract:
// ../shared/SPEC-outreach.md "Policy"; design: docs/outreach.md "Planning").
//
// The JSON document (`PUT /api/v1/outreach/policy`), contract keys first:
//   {"blacklist": "<segment expr>",                     // reason blacklist
//    "caps": [{"channels": ["*"] | [name, ...], "max": N, "days": D}],
//    "quiet_hours": {"from": "21:00", "to": "09:00", "mode": "defer"|"drop"},
//    // extensions:
//    "opt_out": {"<channel>" | "*": "<segment expr>"},  // reason opt_out
//    "dedup_by_theme": true,                            // reason duplicate (default true)
//    "touched_recently": {"days": D, "channels": ["*"]},// reason touched_recently
//    "exempt": "<saved segment name>",                  // skips caps, dedup, recency
//    "global_control": {"share": 0.05, "salt": "2026"}} // reason global_control
// Every key is optional; an empty object is "no policy". Validation names
// the field (bad_field / missing_field / unknown_field); expressions are
// checked against the store by the caller (ValidateSegment), not here.
//
// A campaign may carry overrides (`"policy": {...}` in its definition):
// `caps`, `quiet_hours`, `touched_recently` and `dedup_by_theme` replace the
// global values for that campaign; the others (blacklist, opt-outs, exempt,
// global control) protect users and cannot be overridden.
//
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "outreach/json_fields.h"

namespace tagloop::outreach {

// A set of channels: every channel ("*") or the named ones.
struct ChannelSet {
  bool all = true;
  std::vector<std::string> names;  // when !all: sorted, unique
  bool Contains(std::string_view channel) const;
};

struct FrequencyCap {
  ChannelSet channels;
  int max = 1;   // messages sent in the window before a user is capped: 1..100
  int days = 1;  // rolling window in days: 1..365 (counted in whole hours, touch_history.h)
};

struct QuietHours {
  int from_minute = 0;  // minute of the business day the quiet time starts (inclusive)
  int to_minute = 0;    // ... and ends (exclusive); from > to wraps over midnight
  enum class Mode : uint8_t { kDefer, kDrop } mode = Mode::kDefer;

  // True when `minute_of_day` (0..1439, business time) is inside the window.
  bool Quiet(int minute_of_day) const;
  // `now_ms` when sending is allowed then, else the first allowed instant
  // after it (the window's end), with the business calendar
  // `utc_offset_minutes` east of UTC.
  int64_t NextAllowedMs(int64_t now_ms, int utc_offset_minutes) const;
};

struct TouchedRecently {
  int days = 1;  // 1..365
  ChannelSet channels;
};

struct GlobalControl {
  double share = 0;  // 0 <= share < 1
  std::string salt;  // a new salt draws a new group
};

struct SuppressionPolicy {
  std::string blacklist;                       // "" = none
  std::vector<FrequencyCap> caps;
  std::optional<QuietHours> quiet_hours;
  std::map<std::string, std::string> opt_out;  // channel name or "*" -> expression
  bool dedup_by_theme = true;
  std::optional<TouchedRecently> touched_recently;
  std::string exempt;                          // saved segment name; "" = none
  std::optional<GlobalControl> global_control;

  // Parses and validates a policy document (see the top).
  [[nodiscard]] static Result<SuppressionPolicy> FromJson(const Json& j);
  // The document again (FromJson(ToJson()) is the same policy).
  Json ToJson() const;

  // This policy with a campaign's overrides applied (the keys listed at the
  // top; fields named "policy.<key>" in errors).
  [[nodiscard]] Result<SuppressionPolicy> WithOverrides(const Json& overrides) const;
  // Checks an overrides object alone (what a campaign definition stores).
  [[nodiscard]] static Status ValidateOverrides(const Json& overrides);

  // The opt-out expressions that apply to `channel` ("*" and its own), OR-ed
  // into one expression ("" when none).
  std::string OptOutExpression(std::string_view channel) const;
};

// "21:00" -> 1260; InvalidArgument otherwise (the caller names the field).
Result<int> ParseMinuteOfDay(std::string_view text);
std::string FormatMinuteOfDay(int minute);

}  // namespace tagloop::outreach
