// The incremental state of one event rule (event_rule.h) over many users:
// events go in, changes of the tag's value per user come out. The same state
// serves live `realtime` tags and batch `behavior` tags: a batch feeds a
// fresh state every event of the days the rule needs (LookbackMillis), then
// advances the clock to the end of the business date
// (EndOfBusinessDateMillis) and reads ForEachValue, so live and batch values
// agree by construction.
//
// Time. The state has a clock, `now` (none until the first AdvanceTo), that
// only moves forward. Sliding windows are (now - window, now]: an entry
// leaves when now >= its time + window, and the user's value changes then
// without any new event. Events may arrive out of time order. An event later
// than `now` (clock skew) is applied normally and enters its window (it
// counts until now passes its time + window); an event already out of the
// window (time <= now - window) is ignored by window rules. The result after
// any mix of Apply and AdvanceTo is the same as evaluating the rule over
// every event applied so far at the clock's time, except for the order of
// ties (equal event times), where the event applied later wins (latest,
// flag).
//
// Values. A change carries the user's new value: categorical tags (bool,
// enum) as text ("true"/"false", the enum value), numeric tags as the int64
// the tag store keeps (decimal scaled by 10^N, date as Days). Users without
// a value (count 0, nothing in the window, a flag never started) have none
// (not 0 or false), and a user losing the value gets a change with
// has_value = false. Dates are business dates: the event time shifted by
// the business UTC offset.
//
// Cost. Per user: a few words (latest, flag, first/last time) or the entries
// in the window (time, and the amount for sum/avg/min/max; up to two words
// inline, more on the heap). Users are found through a paged index over the
// caller's dense ids. Expiry uses a min-heap with one entry per user (the
// expiry of its oldest entry), so AdvanceTo costs O(log n) per expired
// entry, never a scan of all users.
//
// Thread-safety: none; one thread at a time (const methods may run
// concurrently with each other).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/tag_type.h"
#include "events/event.h"
#include "events/event_rule.h"

namespace tagloop::events {

// The business date of `time_ms` at `utc_offset_minutes` (e.g. +480 for
// UTC+8): 2026-11-24T23:30:00+08:00 is 2026-11-24, 2026-11-24T16:30:00Z is
// 2026-11-25 at +480.
Days BusinessDateOf(int64_t time_ms, int utc_offset_minutes);
// The last millisecond (Unix ms) of business date `date`: the clock a batch
// advances to before reading the values of `date`.
int64_t EndOfBusinessDateMillis(Days date, int utc_offset_minutes);

// A user's value after a change (or the current value, from ValueOf).
struct TagValueChange {
  uint32_t user = 0;
  bool has_value = false;
  std::string text;    // categorical tags: the enum value, or "true"/"false"
  int64_t number = 0;  // numeric tags: the stored int64 (decimal scaled, date as Days)
  bool operator==(const TagValueChange&) const = default;
};

class RuleStateImpl;

class RuleState {
 public:
  // `rule` must come from ParseEventRule for `type` (the tag's type).
  // `utc_offset_minutes` is the business time zone (-1439..1439) used for
  // business dates (date values, from/to).
  RuleState(EventRule rule, TagType type, int utc_offset_minutes);
  ~RuleState();
  RuleState(RuleState&&) noexcept;
  RuleState& operator=(RuleState&&) noexcept;

  // Applies one event of user slot `user` (a dense id chosen by the caller).
  // Events of types the rule does not read, failing `where`, or without the
  // property the rule reads are ignored. Appends the user's new value to
  // *changes when it changed.
  void Apply(uint32_t user, const Event& event, std::vector<TagValueChange>* changes);

  // Moves the clock to now_ms: window entries with time <= now_ms - window
  // leave, and the values that changed are appended to *changes. A now_ms
  // not after the current clock does nothing.
  void AdvanceTo(int64_t now_ms, std::vector<TagValueChange>* changes);

  // The clock (INT64_MIN before the first AdvanceTo).
  int64_t now() const;

  // The current value of every user that has one, in no particular order
  // (for writing a daily version). `fn` must not call into this state.
  void ForEachValue(const std::function<void(uint32_t user, const TagValueChange&)>& fn) const;
  // The user's current value, or nullopt when they have none.
  std::optional<TagValueChange> ValueOf(uint32_t user) const;

  // Users the state keeps anything for (a value, or window entries below
  // at_least, or a flag's end events).
  size_t users() const;
  // Approximate heap memory held.
  size_t memory_bytes() const;

 private:
  std::unique_ptr<RuleStateImpl> impl_;
};

}  // namespace tagloop::events
