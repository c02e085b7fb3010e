// Event tags in batch: a rule (events/event_rule.h) evaluated over the event
// log as of the end of one business date, for the daily versions of
// real-time tags and for behaviour tags ("ordered at least 3 times in the
// last 30 days", "spend in Q1") — issue 5, "Behavioural conditions".
//
// The same RuleState the real-time engine keeps live is fed every logged
// event of the days the rule looks back over, then its clock is moved to the
// last millisecond of the date; its values become the rows of the version.
// So a real-time tag's daily version equals its live state at midnight.
#pragma once

#include <cstdint>

#include "core/date.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "events/event_log.h"
#include "events/event_rule.h"
#include "produce/row_collector.h"
#include "source/source.h"

namespace tagloop {

struct EventTagRun {
  uint64_t events_read = 0;     // events of the rule's types scanned
  uint64_t users = 0;           // users with a value (rows added)
  Days first_day = 0, last_day = 0;  // the days scanned (first > last: none)
};

// Adds to `rows` one (user id, value) row per user with a value at the end
// of `date`. Events after that date are not read; a rule with from/to reads
// only those days. Cancelled/DeadlineExceeded through `control`; Corruption
// from the log. Thread-safe (the log is read-only here).
Result<EventTagRun> EvaluateEventTag(const events::EventLog& log, const events::EventRule& rule,
                                     const TagType& type, Days date, int utc_offset_minutes, RowCollector& rows,
                                     const RunControl& control = {});

}  // namespace tagloop
