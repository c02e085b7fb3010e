// RunHistory: what the producer jobs did (issue 4, "Running" and "Data
// quality"), in the catalog database: one row per run (tag_runs), the
// quality checks of each new data version (tag_quality), and which
// definition version and run produced each data version (tag_data_versions).
//
// A run goes queued -> running -> succeeded | failed | rejected (a quality
// check failed; the previous version keeps serving) | cancelled. A process
// that dies mid-run leaves it `running`; RecoverInterrupted() (called by the
// scheduler at start) marks such runs failed so they are retried.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/date.h"
#include "core/status.h"
#include "core/wall_clock.h"

namespace tagloop {

enum class RunState : uint8_t { kQueued, kRunning, kSucceeded, kFailed, kRejected, kCancelled };
const char* RunStateName(RunState state);  // "queued", "running", ...
Result<RunState> ParseRunState(std::string_view text);
inline bool IsFinished(RunState s) { return s != RunState::kQueued && s != RunState::kRunning; }

// Why a run happened.
enum class RunTrigger : uint8_t { kSchedule, kManual, kBackfill, kRepair, kDependency, kPush };
const char* RunTriggerName(RunTrigger trigger);  // "schedule", "manual", ...

struct RunRecord {
  int64_t id = 0;
  std::string tag;
  Days biz_date = 0;
  int64_t definition_version = 0;
  RunTrigger trigger = RunTrigger::kManual;
  RunState state = RunState::kQueued;
  int32_t attempt = 1;
  std::string requested_by;
  int64_t queued_at_ms = 0;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> finished_at_ms;
  uint64_t rows = 0;   // rows read from the source
  uint64_t users = 0;  // users with a value in the produced version
  std::string error;   // why it failed ("" on success)
  std::string log;     // the run's log lines (bounded, see kMaxRunLogBytes)
};
inline constexpr size_t kMaxRunLogBytes = 64 * 1024;

struct QualityRecord {
  std::string check;  // "coverage", "psi", ...
  bool passed = true;
  double observed = 0;
  double bound = 0;
  std::string message;
};

struct QualityEntry {
  std::string tag;
  int64_t run_id = 0;
  Days biz_date = 0;
  int64_t at_ms = 0;
  QualityRecord record;
};

struct DataVersionOrigin {
  Days biz_date = 0;
  std::optional<int64_t> definition_version;  // null for CSV imports
  std::optional<int64_t> run_id;
  int64_t published_at_ms = 0;
};

class RunHistory {
 public:
  static Result<std::unique_ptr<RunHistory>> Open(const std::string& dir, WallClock* clock = WallClock::Default());

  // Stores a new run (state queued, queued_at now) and returns its id.
  Result<int64_t> Enqueue(const RunRecord& run);
  Status MarkRunning(int64_t id, int32_t attempt);
  // Ends a run: state, counts, error, log (a longer log keeps its last
  // kMaxRunLogBytes, cut at a UTF-8 character boundary: the failure is
  // usually at the end). InvalidArgument when `state` is not a finished
  // state; NotFound for an unknown id.
  Status Finish(int64_t id, RunState state, uint64_t rows, uint64_t users, std::string_view error,
                std::string_view log);
  Result<RunRecord> Get(int64_t id);
  // Newest first; `tag` "" = every tag; only runs in one of `states` when not empty.
  Result<std::vector<RunRecord>> List(std::string_view tag, size_t limit, const std::vector<RunState>& states = {});
  // Runs left queued or running by a process that stopped: marked failed
  // ("interrupted: the server stopped during the run"). Returns them as they
  // were before (state queued or running), oldest first, so the caller can
  // retry them.
  Result<std::vector<RunRecord>> RecoverInterrupted();
  // The newest run of `tag` that succeeded, if any.
  Result<std::optional<RunRecord>> LastSuccess(std::string_view tag);

  Status RecordQuality(int64_t run_id, std::string_view tag, Days biz_date, const std::vector<QualityRecord>& checks);
  // Newest first; `tag` "" = every tag; `failed_only`: the checks that did not pass.
  Result<std::vector<QualityEntry>> Quality(std::string_view tag, size_t limit, bool failed_only = false);

  Status RecordDataVersion(std::string_view tag, const DataVersionOrigin& origin);
  // Ascending by date.
  Result<std::vector<DataVersionOrigin>> DataVersions(std::string_view tag);

 private:
  RunHistory(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  Result<RunRecord> ReadRow(Statement& q);

  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop
