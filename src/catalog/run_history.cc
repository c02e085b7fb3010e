#include "catalog/run_history.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace tagloop {

namespace {

constexpr std::array<std::pair<RunState, const char*>, 6> kStateNames = {{
    {RunState::kQueued, "queued"},
    {RunState::kRunning, "running"},
    {RunState::kSucceeded, "succeeded"},
    {RunState::kFailed, "failed"},
    {RunState::kRejected, "rejected"},
    {RunState::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<RunTrigger, const char*>, 6> kTriggerNames = {{
    {RunTrigger::kSchedule, "schedule"},
    {RunTrigger::kManual, "manual"},
    {RunTrigger::kBackfill, "backfill"},
    {RunTrigger::kRepair, "repair"},
    {RunTrigger::kDependency, "dependency"},
    {RunTrigger::kPush, "push"},
}};

constexpr const char* kRunColumns =
    "SELECT id, tag, biz_date, definition_version, trigger, state, attempt, requested_by, queued_at_ms, "
    "started_at_ms, finished_at_ms, rows, users, error, log FROM tag_runs";

// Keeps the end of a long log (the failure is usually at the end), on a
// UTF-8 boundary.
std::string_view TruncateLog(std::string_view log) {
  if (log.size() <= kMaxRunLogBytes) return log;
  size_t start = log.size() - kMaxRunLogBytes;
  while (start < log.size() && (static_cast<unsigned char>(log[start]) & 0xC0) == 0x80) ++start;
  return log.substr(start);
}

}  // namespace

const char* RunStateName(RunState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "?";
}

Result<RunState> ParseRunState(std::string_view text) {
  for (const auto& [s, name] : kStateNames) {
    if (text == name) return s;
  }
  return Status::InvalidArgument(fmt::format("unknown run state '{}'", text));
}

const char* RunTriggerName(RunTrigger trigger) {
  for (const auto& [t, name] : kTriggerNames) {
    if (t == trigger) return name;
  }
  return "?";
}

Result<std::unique_ptr<RunHistory>> RunHistory::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<RunHistory>(new RunHistory(std::move(db), clock));
}

Result<int64_t> RunHistory::Enqueue(const RunRecord& run) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("INSERT INTO tag_runs (tag, biz_date, definition_version, "
                                                     "trigger, state, attempt, requested_by, queued_at_ms) "
                                                     "VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7)"));
  q.Bind(1, run.tag).Bind(2, int64_t{run.biz_date}).Bind(3, run.definition_version);
  q.Bind(4, std::string_view(RunTriggerName(run.trigger))).Bind(5, int64_t{run.attempt});
  TAGLOOP_RETURN_IF_ERROR(q.Bind(6, run.requested_by).Bind(7, clock_->NowUnixMillis()).Run());
  return db_->LastInsertRowId();
}

Status RunHistory::MarkRunning(int64_t id, int32_t attempt) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("UPDATE tag_runs SET state = 'running', attempt = ?2, "
                                                     "started_at_ms = ?3 WHERE id = ?1"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, id).Bind(2, int64_t{attempt}).Bind(3, clock_->NowUnixMillis()).Run());
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no run {}", id));
  return Status::Ok();
}

Status RunHistory::Finish(int64_t id, RunState state, uint64_t rows, uint64_t users, std::string_view error,
                          std::string_view log) {
  if (!IsFinished(state)) {
    return Status::InvalidArgument(fmt::format("run {}: '{}' does not finish a run", id, RunStateName(state)));
  }
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("UPDATE tag_runs SET state = ?2, finished_at_ms = ?3, "
                                                     "rows = ?4, users = ?5, error = ?6, log = ?7, "
                                                     "started_at_ms = ifnull(started_at_ms, ?3) WHERE id = ?1"));
  q.Bind(1, id).Bind(2, std::string_view(RunStateName(state))).Bind(3, clock_->NowUnixMillis());
  q.Bind(4, static_cast<int64_t>(rows)).Bind(5, static_cast<int64_t>(users)).Bind(6, error).Bind(7, TruncateLog(log));
  TAGLOOP_RETURN_IF_ERROR(q.Run());
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no run {}", id));
  return Status::Ok();
}

Result<RunRecord> RunHistory::ReadRow(Statement& q) {
  RunRecord r;
  r.id = q.Int(0);
  r.tag = q.Text(1);
  r.biz_date = static_cast<Days>(q.Int(2));
  r.definition_version = q.Int(3);
  std::string trigger = q.Text(4);
  for (const auto& [t, name] : kTriggerNames) {
    if (trigger == name) r.trigger = t;
  }
  TAGLOOP_ASSIGN_OR_RETURN(r.state, ParseRunState(q.Text(5)));
  r.attempt = static_cast<int32_t>(q.Int(6));
  r.requested_by = q.Text(7);
  r.queued_at_ms = q.Int(8);
  r.started_at_ms = q.OptionalInt(9);
  r.finished_at_ms = q.OptionalInt(10);
  r.rows = static_cast<uint64_t>(q.Int(11));
  r.users = static_cast<uint64_t>(q.Int(12));
  r.error = q.Text(13);
  r.log = q.Text(14);
  return r;
}

Result<RunRecord> RunHistory::Get(int64_t id) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE id = ?1", kRunColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, id).Step());
  if (!row) return Status::NotFound(fmt::format("no run {}", id));
  return ReadRow(q);
}

Result<std::vector<RunRecord>> RunHistory::List(std::string_view tag, size_t limit,
                                                const std::vector<RunState>& states) {
  std::string wanted;  // ",queued,running," or "" for every state
  for (RunState s : states) wanted += fmt::format(",{},", RunStateName(s));
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE (?1 = '' OR tag = ?1) AND (?3 = '' OR "
                                                                 "instr(?3, ',' || state || ',') > 0) "
                                                                 "ORDER BY id DESC LIMIT ?2",
                                                                 kRunColumns)));
  q.Bind(1, tag).Bind(2, static_cast<int64_t>(limit)).Bind(3, std::string_view(wanted));
  std::vector<RunRecord> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    TAGLOOP_ASSIGN_OR_RETURN(RunRecord r, ReadRow(q));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<RunRecord>> RunHistory::RecoverInterrupted() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db_->Prepare(fmt::format("{} WHERE state IN ('queued', 'running') ORDER BY id", kRunColumns)));
  std::vector<RunRecord> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    TAGLOOP_ASSIGN_OR_RETURN(RunRecord r, ReadRow(q));
    out.push_back(std::move(r));
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement fail,
                           db_->Prepare("UPDATE tag_runs SET state = 'failed', finished_at_ms = ?1, "
                                        "error = 'interrupted: the server stopped during the run' "
                                        "WHERE state IN ('queued', 'running')"));
  TAGLOOP_RETURN_IF_ERROR(fail.Bind(1, clock_->NowUnixMillis()).Run());
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<std::optional<RunRecord>> RunHistory::LastSuccess(std::string_view tag) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE tag = ?1 AND state = 'succeeded' "
                                                                 "ORDER BY id DESC LIMIT 1",
                                                                 kRunColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, tag).Step());
  if (!row) return std::optional<RunRecord>();
  TAGLOOP_ASSIGN_OR_RETURN(RunRecord r, ReadRow(q));
  return std::optional<RunRecord>(std::move(r));
}

Status RunHistory::RecordQuality(int64_t run_id, std::string_view tag, Days biz_date,
                                 const std::vector<QualityRecord>& checks) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("INSERT INTO tag_quality (run_id, tag, biz_date, at_ms, "
                                                     "check_name, passed, observed, bound, message) VALUES "
                                                     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  int64_t now = clock_->NowUnixMillis();
  for (const QualityRecord& c : checks) {
    q.Reset().Bind(1, run_id).Bind(2, tag).Bind(3, int64_t{biz_date}).Bind(4, now).Bind(5, c.check);
    q.Bind(6, int64_t{c.passed}).BindDouble(7, c.observed).BindDouble(8, c.bound).Bind(9, c.message);
    TAGLOOP_RETURN_IF_ERROR(q.Run());
  }
  return tx.Commit();
}

Result<std::vector<QualityEntry>> RunHistory::Quality(std::string_view tag, size_t limit, bool failed_only) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT run_id, biz_date, at_ms, check_name, passed, observed, "
                                                     "bound, message, tag FROM tag_quality WHERE (?1 = '' OR tag = ?1) "
                                                     "AND (?3 = 0 OR passed = 0) ORDER BY id DESC LIMIT ?2"));
  q.Bind(1, tag).Bind(2, static_cast<int64_t>(limit)).Bind(3, int64_t{failed_only ? 1 : 0});
  std::vector<QualityEntry> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    QualityEntry e;
    e.run_id = q.Int(0);
    e.biz_date = static_cast<Days>(q.Int(1));
    e.at_ms = q.Int(2);
    e.record = QualityRecord{q.Text(3), q.Int(4) != 0, q.Double(5), q.Double(6), q.Text(7)};
    e.tag = q.Text(8);
    out.push_back(std::move(e));
  }
  return out;
}

Status RunHistory::RecordDataVersion(std::string_view tag, const DataVersionOrigin& origin) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("INSERT OR REPLACE INTO tag_data_versions (tag, biz_date, "
                                                     "definition_version, run_id, published_at_ms) VALUES "
                                                     "(?1, ?2, ?3, ?4, ?5)"));
  q.Bind(1, tag).Bind(2, int64_t{origin.biz_date}).Bind(3, origin.definition_version).Bind(4, origin.run_id);
  return q.Bind(5, origin.published_at_ms != 0 ? origin.published_at_ms : clock_->NowUnixMillis()).Run();
}

Result<std::vector<DataVersionOrigin>> RunHistory::DataVersions(std::string_view tag) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT biz_date, definition_version, run_id, published_at_ms "
                                                     "FROM tag_data_versions WHERE tag = ?1 ORDER BY biz_date"));
  q.Bind(1, tag);
  std::vector<DataVersionOrigin> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(DataVersionOrigin{static_cast<Days>(q.Int(0)), q.OptionalInt(1), q.OptionalInt(2), q.Int(3)});
  }
  return out;
}

}  // namespace tagloop
