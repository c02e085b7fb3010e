#include "produce/event_tags.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/rule_state.h"

namespace tagloop {

Result<EventTagRun> EvaluateEventTag(const events::EventLog& log, const events::EventRule& rule,
                                     const TagType& type, Days date, int utc_offset_minutes, RowCollector& rows,
                                     const RunControl& control) {
  EventTagRun run;
  const int64_t end = events::EndOfBusinessDateMillis(date, utc_offset_minutes);
  std::vector<Days> days = log.days();
  run.first_day = days.empty() ? date + 1 : days.front();
  run.last_day = date;
  if (const int64_t lookback = events::LookbackMillis(rule); lookback < end) {
    run.first_day = std::max(run.first_day, log.BusinessDay(end - lookback));
  }
  if (rule.from) run.first_day = std::max(run.first_day, *rule.from);
  if (rule.to) run.last_day = std::min(run.last_day, *rule.to);

  const std::vector<std::string> types = events::EventTypesOf(rule);
  const std::set<std::string, std::less<>> wanted(types.begin(), types.end());
  events::RuleState state(rule, type, utc_offset_minutes);
  std::unordered_map<std::string, uint32_t> slot_of;
  std::vector<std::string> user_of;
  std::vector<events::TagValueChange> ignored;
  uint64_t seen = 0;
  if (run.first_day <= run.last_day) {
    TAGLOOP_RETURN_IF_ERROR(log.Scan(run.first_day, run.last_day, [&](const events::Event& e) -> Status {
      if ((++seen & 0xFFFF) == 0) {
        if (control.cancel && control.cancel->load()) return Status::Cancelled("cancelled");
        if (control.deadline && std::chrono::steady_clock::now() > *control.deadline)
          return Status::DeadlineExceeded("the run's time limit passed while reading the event log");
      }
      if (!wanted.contains(e.type) || e.time_ms > end) return Status::Ok();
      auto [it, added] = slot_of.try_emplace(e.user_id, static_cast<uint32_t>(user_of.size()));
      if (added) user_of.push_back(e.user_id);
      state.Apply(it->second, e, &ignored);
      ignored.clear();
      ++run.events_read;
      return Status::Ok();
    }));
  }
  state.AdvanceTo(end, &ignored);
  Status failed;
  state.ForEachValue([&](uint32_t slot, const events::TagValueChange& v) {
    if (!failed.ok() || !v.has_value) return;
    std::string text = type.is_numeric() ? FormatNumericValue(type, v.number) : v.text;
    failed = rows.AddRow(user_of[slot], text, false);
    ++run.users;
  });
  TAGLOOP_RETURN_IF_ERROR(failed);
  return run;
}

}  // namespace tagloop
