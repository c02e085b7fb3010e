// Scheduler: runs tag producers on their schedules, on demand, for
// backfills and repairs, and after their inputs change (issue 4, "Running").
//
// - One loop thread watches the catalog (catalog_generation, polled every
//   options.poll_interval): publishing, editing or taking a tag offline takes
//   effect at its next poll, without a restart, for that tag alone. It fires
//   the cron schedules of published sql/list/composite tags, catches up a
//   fire missed while the server was down (once), and checks staleness.
// - A bounded pool of `workers` threads runs the queued jobs (TagProducer),
//   never two jobs of one tag at a time. A failed run is retried with
//   exponential backoff up to max_attempts (a run rejected by a quality check
//   or cancelled is not); the last failure sends a `run_failed` alert.
// - When a tag publishes a version, the composite tags that read it are
//   queued for the same date (trigger "dependency").
// - Queued jobs are recorded in RunHistory at once; after a crash,
//   Start() re-queues what was queued or running, so nothing acknowledged is
//   lost.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "catalog/run_history.h"
#include "catalog/tag_catalog.h"
#include "core/wall_clock.h"
#include "produce/cron.h"
#include "produce/dependency_graph.h"
#include "produce/tag_producer.h"

namespace tagloop {

struct CatalogView;

struct SchedulerOptions {
  unsigned workers = 2;  // runs at once. Static.
  std::chrono::milliseconds poll_interval{250};  // catalog change detection and cron checks. Static.
  int max_attempts = 3;
  std::chrono::milliseconds retry_backoff{30'000};  // before attempt 2; doubles after
  std::chrono::seconds stale_check_interval{60};
  std::chrono::seconds stale_grace{3600};  // a scheduled run may take this long before its tag is stale
  bool run_schedules = true;  // false: only on-demand jobs (tests, `tagloop serve --no-schedule`)
  // "Now" for cron schedules, catch-up after a restart and stale checks (tests
  // use a fake). Not owned. Static.
  WallClock* clock = WallClock::Default();
  // Called (on the thread that reloaded, no lock held) with every new view
  // of the catalog: the real-time engine follows definitions through it.
  std::function<void(const CatalogView&)> on_view;
};

// What operators see of the catalog in a running server: refreshed at each
// catalog change; immutable once built (share it freely).
struct CatalogView {
  int64_t generation = -1;
  std::map<std::string, TagEntry, std::less<>> tags;  // every defined tag, offline ones included
  std::set<std::string, std::less<>> stale;           // tags flagged stale
  // Tags holding personal data: those defined `personal: true` and every
  // composite tag that reads one, directly or through other composites or
  // saved segments (its values are derived from personal data, so they
  // are as sensitive: a composite `born_after_1990` would let a bisection
  // recover a birthday as well as the birthday tag itself).
  std::set<std::string, std::less<>> personal;
  // The status of `tag`; tags not in the catalog (imported only) are published.
  TagStatus StatusOf(std::string_view tag) const;
};

struct JobRequest {
  std::string tag;
  Days biz_date = 0;
  std::optional<int64_t> definition_version;  // unset: the one valid at biz_date (pinned when queued)
  RunTrigger trigger = RunTrigger::kManual;
  std::string requested_by;
};

class Scheduler {
 public:
  // `producer`, `catalog`, `runs` are not owned and must outlive it.
  Scheduler(TagProducer* producer, TagCatalog* catalog, RunHistory* runs, TagStore* store, SchedulerOptions options);
  ~Scheduler();  // Stop()

  // Loads the catalog, re-queues interrupted runs, starts the threads.
  Status Start();
  // Cancels running jobs, drops queued ones (they stay recorded as queued
  // and are re-queued by the next Start), joins the threads.
  void Stop();

  // Queues a job and returns its run id (recorded as queued, with the
  // definition version it will run: the requested one, else the one valid
  // at the business date, fixed now). InvalidArgument
  // when the tag cannot be produced (import/external tags, unknown tag).
  Result<int64_t> Enqueue(const JobRequest& request);
  // One job per date from `from` to `to` (inclusive, at most 3660 dates).
  Result<std::vector<int64_t>> Backfill(const JobRequest& request, Days from, Days to);
  // Waits until the run finished (or `timeout` passed): its record.
  Result<RunRecord> Wait(int64_t run_id, std::chrono::milliseconds timeout);
  // Asks a queued or running job to stop. NotFound when it is not pending.
  Status Cancel(int64_t run_id);

  // The current catalog view (never null after Start).
  std::shared_ptr<const CatalogView> view() const;
  // Picks up catalog changes now instead of at the next poll (after a change
  // made through this process, so its effect is visible on return).
  Status RefreshNow();
  // The business date a run fired at `unix_seconds` produces for `tag`.
  Days BizDateFor(const TagDefinition& def, int64_t unix_seconds) const;
  // Queued + running jobs.
  size_t pending() const;
  // The composite tags that read `tag` (directly), and saved segments are
  // the caller's business (they live outside the catalog).
  std::vector<std::string> DependentsOf(std::string_view tag) const;

 private:
  struct Job {
    int64_t run_id = 0;
    JobRequest request;
    int32_t attempt = 1;
    std::chrono::steady_clock::time_point not_before;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  };
  void Loop();
  void Work();
  Status Reload();
  void FireSchedules(int64_t now);
  void CheckStaleness(int64_t now);
  void OnFinished(const Job& job, const Result<ProduceResult>& result);
  Result<int64_t> EnqueueLocked(const JobRequest& request, int32_t attempt, std::chrono::steady_clock::time_point at);

  TagProducer* producer_;
  TagCatalog* catalog_;
  RunHistory* runs_;
  TagStore* store_;
  SchedulerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  std::deque<Job> queue_;
  std::map<int64_t, Job> running_;           // by run id
  std::set<std::string, std::less<>> busy_;  // tags with a running job
  std::shared_ptr<const CatalogView> view_;
  std::map<std::string, CronSchedule, std::less<>> schedules_;  // published scheduled tags
  std::map<std::string, int64_t, std::less<>> next_fire_;
  DependencyGraph graph_;
  uint64_t graph_store_generation_ = UINT64_MAX;  // the store state graph_ was built on
  std::chrono::steady_clock::time_point next_stale_check_{};
  std::vector<std::thread> threads_;
};

}  // namespace tagloop
