// Journey: the part of a campaign definition that makes it a journey — an
// entry (a schedule or an event), re-entry rules and a graph of steps
// (docs/outreach.md, "Journeys"). A campaign with an `entry` is a journey;
// Campaign::FromJson reads this part with Journey::FromJson and keeps it in
// Campaign::journey.
//
//   "entry": {"schedule": "0 10 * * 1"} | {"event": "order_cancelled", "where": {...}},
//   "reentry": {"mode": "once" | "after" | "every_time", "days": 30},
//   "max_concurrent": 3, "exit": {"goal": true, "not_matching": false},
//   "start": "coupon",
//   "steps": [{"name": "coupon", "type": "send", "channel": "coupon_main", "content": {...}, "next": "wait_pay"},
//             {"name": "wait_pay", "type": "wait_event", "event": "order_paid", "where": {...},
//              "timeout": "2d", "next": "end", "timeout_next": "sms"},
//             {"name": "pause", "type": "wait", "duration": "3d" | "until": "09:30", "next": ...},
//             {"name": "vip", "type": "branch", "condition": "<segment language>", "yes": ..., "no": ...},
//             {"name": "ab", "type": "split", "paths": [{"name": "a", "share": 0.5, "next": ...}, ...]},
//             {"name": "end", "type": "exit"}]
//
// Checked here (InvalidArgument naming the field, e.g. "steps[2].next"):
// the form of every field, that every `next` names a step, every step is
// reachable from `start`, split shares sum to 1, and no cycle passes no
// wait (a user would loop at once). What needs the workspace (the channel
// exists, the condition binds, the event types are registered, the cron
// parses) is checked by the caller (OutreachService::CheckCampaign).
//
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "events/event.h"
#include "outreach/json_fields.h"

namespace tagloop::outreach {

enum class StepType : uint8_t { kSend, kWait, kWaitEvent, kBranch, kSplit, kExit };
const char* StepTypeName(StepType type);  // "send", "wait", "wait_event", "branch", "split", "exit"

// An event type and a `where` object (events/event_rule.h's syntax), kept as
// JSON: the caller parses it against the event types' schemas.
struct EventMatch {
  std::string type;
  Json where = Json::object();
};

struct SplitPath {
  std::string name;   // [a-z0-9_]{1,64}, unique within the split
  double share = 0;   // (0, 1]; the paths' shares sum to 1
  std::string next;   // "" = leave
  bool control = false;  // held out: its users leave, counted as the split's control
};

struct JourneyStep {
  std::string name;
  StepType type = StepType::kExit;
  std::string next;  // send, wait, wait_event (event seen): "" = leave
  // send
  std::string channel;
  Json content = Json::object();
  // wait: a duration, or the next time of day `until_minute` (0..1439)
  int64_t duration_ms = 0;
  std::optional<int> until_minute;
  // wait_event
  EventMatch event;
  int64_t timeout_ms = 0;
  std::string timeout_next;  // "" = leave
  // branch
  std::string condition;
  std::string yes, no;  // "" = leave
  // split
  std::vector<SplitPath> paths;

  // The steps this one can lead to (non-empty names), in field order.
  std::vector<std::string> Successors() const;
};

enum class ReentryMode : uint8_t { kOnce, kAfter, kEveryTime };
const char* ReentryModeName(ReentryMode mode);

struct JourneyEntry {
  enum class Kind : uint8_t { kSchedule, kEvent };
  Kind kind = Kind::kSchedule;
  std::string cron;  // kSchedule: five fields or a nickname (produce/cron.h)
  EventMatch event;  // kEvent
};

struct Journey {
  JourneyEntry entry;
  ReentryMode reentry = ReentryMode::kOnce;
  int reentry_days = 0;  // kAfter: 1..3650
  std::optional<int> max_concurrent;  // 1..100
  bool exit_on_goal = true;
  bool exit_not_matching = false;
  std::string start;
  std::vector<JourneyStep> steps;

  // Reads the journey keys of a campaign definition (entry, reentry,
  // max_concurrent, exit, start, steps); `has_goal` says whether the
  // campaign has a goal (exit.goal defaults to it).
  [[nodiscard]] static Result<Journey> FromJson(const Json& campaign, bool has_goal);
  // Writes those keys into `campaign`.
  void ToJson(Json& campaign) const;

  const JourneyStep* Find(std::string_view name) const;
  // Index in `steps`, or -1.
  int IndexOf(std::string_view name) const;
  // The event types the journey reacts to: the entry's (event entries) and
  // every wait_event's, each once.
  std::vector<std::string> EventTypes() const;
};

// "90s", "30m", "36h", "3d" -> milliseconds. BadField(field, ...) otherwise,
// and outside [min_ms, max_ms].
Result<int64_t> ParseDuration(const Json& value, std::string_view field, int64_t min_ms, int64_t max_ms);
// Milliseconds back to the shortest of those forms.
std::string FormatDuration(int64_t ms);

}  // namespace tagloop::outreach
