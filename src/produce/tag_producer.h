// TagProducer: runs one tag's producer for one business date and publishes
// the result as that date's version (issue 4, "Producers", "Running",
// "Repair", "Data quality").
//
// One run:
//   1. definition  the version valid at the date (the newest created by the
//                  end of that day, else the first), or the one requested
//   2. fetch       sql: the source's query with {{biz_date}} filled in
//                  (after its optional "freshness_query", whose one value —
//                  the newest change in the source — becomes the
//                  source_fresh quality check),
//                  streamed into a RowCollector; list: the uploaded file;
//                  composite: the expression evaluated on the store as of
//                  the date. No store lock is held: queries and imports go on.
//   3. write       under the store's write lock (one producer at a time in
//                  this process; another process's writer is waited for up
//                  to options.lock_wait): user ids resolved, bitmaps built,
//   4. quality     the new version checked against the previous one (the
//                  latest before the date); a failing check abandons the
//                  write — the previous version keeps serving — marks the
//                  run `rejected` and sends an alert,
//   5. publish     the version file written and published by one atomic
//                  MANIFEST swap, replacing an existing version of that date
//                  (this is "repair": readers keep their snapshot meanwhile),
//                  retention applied, provenance recorded.
// Every run is recorded in RunHistory with its log, rows, users and error.
//
// External tags get their values pushed (PushValues): the new version is
// the previous one with the pushed changes, published the same way.
//
// Thread-safety: Produce and PushValues may be called from several threads
// at once (fetches overlap; writes take turns).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/wall_clock.h"
#include "catalog/run_history.h"
#include "catalog/tag_catalog.h"
#include "catalog/tag_usage.h"
#include "core/date.h"
#include "core/status.h"
#include "events/event_log.h"
#include "events/event_types.h"
#include "produce/alerts.h"
#include "produce/quality.h"
#include "segment/segment_resolver.h"
#include "source/source.h"
#include "source/source_registry.h"
#include "store/tag_store.h"

namespace tagloop {

struct ProducerOptions {
  // Threads for id look-ups and building. 0 (default): one per core. Static.
  unsigned threads = 0;
  // The rules every tag gets unless its definition overrides them. Static.
  QualityRules default_quality;
  // A run's time limit unless producer.timeout_seconds says otherwise. Default 1 h.
  std::chrono::seconds default_timeout{3600};
  // How long a run waits for another process's store write lock. Default 10 min.
  std::chrono::seconds lock_wait{600};
  // Offset of the business calendar from UTC (minutes): which definition
  // version was valid "at a date" is decided at the end of that day there.
  // Default +08:00.
  int utc_offset_minutes = 480;
  // Where failed quality checks are reported; null = nowhere. Not owned.
  AlertSink* alerts = nullptr;
  // Where composite tags record the use of their inputs; null = nowhere. Not owned.
  TagUsage* usage = nullptr;
  // The event log realtime and behavior tags are evaluated over, and the
  // event types their rules are checked against; null = such tags fail. Not owned.
  const events::EventLog* event_log = nullptr;
  const events::EventTypeRegistry* event_types = nullptr;
  // "Now" for freshness checks and alert times (tests use a fake). Not owned. Static.
  WallClock* clock = WallClock::Default();
};

struct ProduceRequest {
  std::string tag;
  Days biz_date = 0;
  // The definition version to use; unset = the one valid at biz_date.
  std::optional<int64_t> definition_version;
  RunTrigger trigger = RunTrigger::kManual;
  std::string requested_by;
  int32_t attempt = 1;
  // A run already enqueued in RunHistory to carry out; 0 = record a new one.
  int64_t run_id = 0;
};

struct ProduceResult {
  int64_t run_id = 0;
  RunState state = RunState::kFailed;
  uint64_t rows = 0;
  uint64_t users = 0;
  int64_t definition_version = 0;
  Status error;  // why it failed or was rejected (OK when it succeeded)
  std::vector<QualityCheck> checks;
  double fetch_seconds = 0;
  double write_seconds = 0;  // wait for the lock + build + write + publish
  double seconds = 0;
  uint64_t generation = 0;  // the store generation it published (0 if none)
};

// Values pushed to an external tag for one date.
struct ValuePush {
  std::vector<std::pair<std::string, std::string>> set;  // (user id, value); set tags: one pair per value
  std::vector<std::string> unset;                        // users who lose their value(s)
  bool replace = false;  // true: `set` is the whole new version (previous values dropped)
};

class TagProducer {
 public:
  // None of the pointers is owned; all must outlive the producer. `segments`
  // may be null (SEGMENT(...) in composite tags is then an error).
  TagProducer(TagStore* store, TagCatalog* catalog, RunHistory* runs, SourceRegistry* sources,
              const SegmentResolver* segments, ProducerOptions options);

  // Runs a production now, on this thread. A run that fails or is rejected
  // is a ProduceResult with that state, not an error; the Result is an error
  // only when the run could not even be recorded (catalog unreadable, no
  // such tag) — then nothing was written.
  Result<ProduceResult> Produce(const ProduceRequest& request, const RunControl& control = {});

  // External tags only (FailedPrecondition otherwise). The version for
  // `date` becomes the tag's version in force at `date` plus the push.
  Result<ProduceResult> PushValues(std::string_view tag, Days date, const ValuePush& push, std::string_view principal);

  // The definition version valid at `date` (see above).
  Result<DefinitionVersion> DefinitionAt(std::string_view tag, Days date);

  const ProducerOptions& options() const { return options_; }

 private:
  struct Fetched;
  Result<QualityCheck> CheckSourceFreshness(const TagDefinition& def, Source& source, const std::string& query,
                                            Days date, const RunControl& control);
  Status Fetch(const TagDefinition& def, Days date, const RunControl& control, Fetched* out, std::string* log);
  Status Write(const TagDefinition& def, Days date, Fetched& fetched, int64_t run_id, const RunControl& control,
               ProduceResult* result, std::string* log);
  Result<ProduceResult> Run(const TagDefinition& def, int64_t definition_version, const ProduceRequest& request,
                            const RunControl& control, const ValuePush* push);

  TagStore* store_;
  TagCatalog* catalog_;
  RunHistory* runs_;
  SourceRegistry* sources_;
  const SegmentResolver* segments_;
  ProducerOptions options_;
  std::mutex write_mu_;  // one store write at a time from this process
};

}  // namespace tagloop
