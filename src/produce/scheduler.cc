#include "produce/scheduler.h"

#include <algorithm>

#include <fmt/format.h>

#include "produce/composite.h"

namespace tagloop {

namespace {

using SteadyClock = std::chrono::steady_clock;

bool Runnable(ProducerKind kind) {
  return kind == ProducerKind::kSql || kind == ProducerKind::kList || kind == ProducerKind::kComposite ||
         kind == ProducerKind::kRealtime || kind == ProducerKind::kBehavior;
}

// Real-time tags get their daily version (yesterday's end-of-day state) a few
// minutes after midnight unless their definition says otherwise.
constexpr char kRealtimeDailySchedule[] = "5 0 * * *";

std::string ScheduleOf(const TagDefinition& def) {
  if (def.schedule.empty() && def.producer == ProducerKind::kRealtime) return kRealtimeDailySchedule;
  return def.schedule;
}

}  // namespace

TagStatus CatalogView::StatusOf(std::string_view tag) const {
  auto it = tags.find(tag);
  return it == tags.end() ? TagStatus::kPublished : it->second.status;
}

Scheduler::Scheduler(TagProducer* producer, TagCatalog* catalog, RunHistory* runs, TagStore* store,
                     SchedulerOptions options)
    : producer_(producer), catalog_(catalog), runs_(runs), store_(store), options_(options) {
  view_ = std::make_shared<CatalogView>();
}

Scheduler::~Scheduler() { Stop(); }

Status Scheduler::Start() {
  // Work acknowledged before a crash or restart is done now.
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<RunRecord> interrupted, runs_->RecoverInterrupted());
  {
    std::lock_guard lock(mu_);
    for (const RunRecord& r : interrupted) {
      JobRequest again{r.tag, r.biz_date, std::nullopt, r.trigger, r.requested_by};
      if (r.trigger == RunTrigger::kPush) continue;  // pushes ran synchronously; the caller saw the failure
      (void)EnqueueLocked(again, 1, SteadyClock::now());
    }
    stopping_ = false;
  }
  TAGLOOP_RETURN_IF_ERROR(Reload());
  threads_.emplace_back([this] { Loop(); });
  for (unsigned i = 0; i < std::max(1u, options_.workers); ++i) threads_.emplace_back([this] { Work(); });
  return Status::Ok();
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    if (threads_.empty()) return;
    stopping_ = true;
    for (auto& [id, job] : running_) job.cancel->store(true);
  }
  work_cv_.notify_all();
  loop_cv_.notify_all();
  done_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

std::shared_ptr<const CatalogView> Scheduler::view() const {
  std::lock_guard lock(mu_);
  return view_;
}

size_t Scheduler::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + running_.size();
}

std::vector<std::string> Scheduler::DependentsOf(std::string_view tag) const {
  std::lock_guard lock(mu_);
  return graph_.DirectDependents(tag);
}

Days Scheduler::BizDateFor(const TagDefinition& def, int64_t unix_seconds) const {
  int64_t local = unix_seconds + int64_t{producer_->options().utc_offset_minutes} * 60;
  Days day = DaysFromUnixSeconds(local);
  return def.biz_date == BizDateRule::kYesterday ? day - 1 : day;
}

Status Scheduler::RefreshNow() { return Reload(); }

Status Scheduler::Reload() {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t generation, catalog_->Generation());
  std::shared_ptr<const Snapshot> snap = store_->snapshot();
  {
    // The dependency graph names tags of the store too: a new store state
    // may complete a composite's inputs.
    std::lock_guard lock(mu_);
    if (generation == view_->generation && snap->generation() == graph_store_generation_) return Status::Ok();
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagEntry> entries, catalog_->List(/*include_offline=*/true));
  auto view = std::make_shared<CatalogView>();
  view->generation = generation;
  std::map<std::string, CronSchedule, std::less<>> schedules;
  DependencyGraph graph;
  for (TagEntry& e : entries) {
    const TagDefinition& def = e.definition;
    if (e.status == TagStatus::kPublished && Runnable(def.producer) && !ScheduleOf(def).empty()) {
      Result<CronSchedule> cron = CronSchedule::Parse(ScheduleOf(def));
      if (cron.ok()) schedules.emplace(def.name, std::move(cron).value());
    }
    if (def.producer == ProducerKind::kComposite && e.status != TagStatus::kOffline) {
      Result<CompositeSpec> spec = ParseCompositeSpec(def.type, def.producer_config);
      SegmentQueryOptions options;
      options.as_of = 0x7fff0000;  // names only; no bitmap is read
      Result<SegmentReferences> refs =
          spec.ok() ? CompositeReferences(*snap, *spec, options) : Result<SegmentReferences>(spec.status());
      if (refs.ok()) graph.SetInputs(def.name, refs->tags);
    }
    view->tags.emplace(def.name, std::move(e));
  }
  for (const auto& [name, entry] : view->tags) {
    if (!entry.definition.personal) continue;
    view->personal.insert(name);
    for (std::string& reader : graph.DependentsInOrder(name)) view->personal.insert(std::move(reader));
  }
  int64_t now = options_.clock->NowUnixSeconds();
  std::vector<JobRequest> newly_published;
  {
    std::lock_guard lock(mu_);
    // Reloads run on the loop thread and on request threads (RefreshNow):
    // one that read an older catalog must not replace a newer view.
    if (generation < view_->generation) return Status::Ok();
    view->stale = view_->stale;
    for (const auto& [name, entry] : view->tags) {
      // A tag just published that has no data yet is produced at once, so
      // it answers queries right after publishing.
      auto before = view_->tags.find(name);
      bool was_published = before != view_->tags.end() && before->second.status == TagStatus::kPublished;
      if (view_->generation >= 0 && !was_published && entry.status == TagStatus::kPublished &&
          Runnable(entry.definition.producer) && snap->FindTag(name) == nullptr) {
        newly_published.push_back(
            JobRequest{name, BizDateFor(entry.definition, now), std::nullopt, RunTrigger::kManual, "publish"});
      }
    }
    std::erase_if(view->stale, [&](const std::string& t) { return view->StatusOf(t) != TagStatus::kPublished; });
    for (const auto& [name, cron] : schedules) {
      auto old = schedules_.find(name);
      int offset = producer_->options().utc_offset_minutes;
      if (old == schedules_.end() || old->second.text() != cron.text() || !next_fire_.contains(name)) {
        next_fire_[name] = cron.NextAfter(now, offset);
      }
      // At start: a fire missed while the server was down is caught up once.
      int64_t previous = cron.PreviousAtOrBefore(now, offset);
      if (view_->generation < 0 && options_.run_schedules && previous != CronSchedule::kNoPrevious) {
        Days date = BizDateFor(view->tags.at(name).definition, previous);
        const TagInfo* info = snap->FindTag(name);
        bool have = info != nullptr && std::any_of(info->versions.begin(), info->versions.end(),
                                                   [&](const VersionInfo& v) { return v.date == date; });
        if (!have) newly_published.push_back(JobRequest{name, date, std::nullopt, RunTrigger::kSchedule, "catch-up"});
      }
    }
    std::erase_if(next_fire_, [&](const auto& kv) { return !schedules.contains(kv.first); });
    schedules_ = std::move(schedules);
    graph_ = std::move(graph);
    graph_store_generation_ = snap->generation();
    view_ = view;
    for (const JobRequest& r : newly_published) (void)EnqueueLocked(r, 1, SteadyClock::now());
  }
  if (options_.on_view) options_.on_view(*view);
  return Status::Ok();
}

Result<int64_t> Scheduler::Enqueue(const JobRequest& request) {
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, catalog_->Get(request.tag));
  if (!Runnable(entry.definition.producer)) {
    return Status::InvalidArgument(fmt::format("tag '{}' has producer '{}': it has no job to run", request.tag,
                                               ProducerKindName(entry.definition.producer)));
  }
  std::lock_guard lock(mu_);
  if (stopping_) return Status::FailedPrecondition("the scheduler is stopping");
  return EnqueueLocked(request, 1, SteadyClock::now());
}

Result<std::vector<int64_t>> Scheduler::Backfill(const JobRequest& request, Days from, Days to) {
  if (to < from) return Status::InvalidArgument("backfill: the end date is before the start date");
  if (to - from >= 3660) return Status::InvalidArgument("backfill: at most 3660 dates at once");
  std::vector<int64_t> ids;
  for (Days d = from; d <= to; ++d) {
    JobRequest r = request;
    r.biz_date = d;
    r.trigger = RunTrigger::kBackfill;
    TAGLOOP_ASSIGN_OR_RETURN(int64_t id, Enqueue(r));
    ids.push_back(id);
  }
  return ids;
}

Result<int64_t> Scheduler::EnqueueLocked(const JobRequest& given, int32_t attempt,
                                         SteadyClock::time_point at) {
  // The definition version is pinned now, so the run record says the
  // version the run will use: without one, the producer's rule (the version
  // valid at the business date, TagProducer::DefinitionAt), not the
  // catalog's current version, which a run for an earlier date (a backfill,
  // a "yesterday" run after an edit today) does not use.
  JobRequest request = given;
  if (!request.definition_version) {
    Result<DefinitionVersion> valid = producer_->DefinitionAt(request.tag, request.biz_date);
    if (valid.ok()) request.definition_version = valid->version;
  }
  // The same tag, date and definition already waiting: one run will do.
  for (const Job& j : queue_) {
    if (j.request.tag == request.tag && j.request.biz_date == request.biz_date &&
        j.request.definition_version == request.definition_version && j.attempt == 1 && attempt == 1) {
      return j.run_id;
    }
  }
  // An undefined tag (its run fails and says so) is recorded with version 0.
  int64_t version = request.definition_version.value_or(0);
  RunRecord record;
  record.tag = request.tag;
  record.biz_date = request.biz_date;
  record.definition_version = version;
  record.trigger = request.trigger;
  record.attempt = attempt;
  record.requested_by = request.requested_by;
  TAGLOOP_ASSIGN_OR_RETURN(int64_t run_id, runs_->Enqueue(record));
  Job job;
  job.run_id = run_id;
  job.request = request;
  job.attempt = attempt;
  job.not_before = at;
  queue_.push_back(std::move(job));
  work_cv_.notify_one();
  return run_id;
}

Result<RunRecord> Scheduler::Wait(int64_t run_id, std::chrono::milliseconds timeout) {
  auto give_up = SteadyClock::now() + timeout;
  std::unique_lock lock(mu_);
  auto pending = [&] {
    if (running_.contains(run_id)) return true;
    return std::any_of(queue_.begin(), queue_.end(), [&](const Job& j) { return j.run_id == run_id; });
  };
  while (pending() && !stopping_) {
    if (done_cv_.wait_until(lock, give_up) == std::cv_status::timeout) break;
  }
  lock.unlock();
  return runs_->Get(run_id);
}

Status Scheduler::Cancel(int64_t run_id) {
  std::lock_guard lock(mu_);
  if (auto it = running_.find(run_id); it != running_.end()) {
    it->second.cancel->store(true);
    return Status::Ok();
  }
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->run_id == run_id) {
      queue_.erase(it);
      TAGLOOP_RETURN_IF_ERROR(runs_->Finish(run_id, RunState::kCancelled, 0, 0, "cancelled before it started", ""));
      done_cv_.notify_all();
      return Status::Ok();
    }
  }
  return Status::NotFound(fmt::format("run {} is not queued or running", run_id));
}

void Scheduler::Work() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto now = SteadyClock::now();
    auto ready = std::find_if(queue_.begin(), queue_.end(),
                              [&](const Job& j) { return j.not_before <= now && !busy_.contains(j.request.tag); });
    if (ready == queue_.end()) {
      auto wake = now + std::chrono::seconds(1);
      for (const Job& j : queue_) wake = std::min(wake, std::max(j.not_before, now + std::chrono::milliseconds(10)));
      work_cv_.wait_until(lock, wake);
      continue;
    }
    Job job = std::move(*ready);
    queue_.erase(ready);
    busy_.insert(job.request.tag);
    running_.emplace(job.run_id, job);
    lock.unlock();

    ProduceRequest request;
    request.tag = job.request.tag;
    request.biz_date = job.request.biz_date;
    request.definition_version = job.request.definition_version;
    request.trigger = job.request.trigger;
    request.requested_by = job.request.requested_by;
    request.attempt = job.attempt;
    request.run_id = job.run_id;
    RunControl control;
    control.cancel = job.cancel.get();
    Result<ProduceResult> result = producer_->Produce(request, control);
    if (!result.ok()) {  // not even recorded as a run result (e.g. the tag was deleted)
      (void)runs_->Finish(job.run_id, RunState::kFailed, 0, 0, result.status().ToString(), "");
    }
    OnFinished(job, result);

    lock.lock();
    busy_.erase(job.request.tag);
    running_.erase(job.run_id);
    done_cv_.notify_all();
    work_cv_.notify_all();
  }
}

void Scheduler::OnFinished(const Job& job, const Result<ProduceResult>& result) {
  RunState state = result.ok() ? result->state : RunState::kFailed;
  std::lock_guard lock(mu_);
  if (stopping_) return;
  if (state == RunState::kSucceeded) {
    for (const std::string& dependent : graph_.DirectDependents(job.request.tag)) {
      if (view_->StatusOf(dependent) != TagStatus::kPublished) continue;
      (void)EnqueueLocked(JobRequest{dependent, job.request.biz_date, std::nullopt, RunTrigger::kDependency,
                                     "dependency:" + job.request.tag},
                          1, SteadyClock::now());
    }
    return;
  }
  if (state != RunState::kFailed) return;  // rejected and cancelled runs are not retried
  if (job.attempt < options_.max_attempts) {
    auto backoff = options_.retry_backoff * (1 << (job.attempt - 1));
    (void)EnqueueLocked(job.request, job.attempt + 1, SteadyClock::now() + backoff);
    return;
  }
  if (AlertSink* alerts = producer_->options().alerts) {
    std::string error = result.ok() ? result->error.ToString() : result.status().ToString();
    alerts->Send(Alert{"run_failed", job.request.tag,
                       fmt::format("tag '{}' for {} failed {} times: {}", job.request.tag,
                                   FormatDate(job.request.biz_date), job.attempt, error),
                       {{"run_id", job.run_id}, {"biz_date", FormatDate(job.request.biz_date)}},
                       options_.clock->NowUnixSeconds() * 1000});
  }
}

void Scheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    (void)store_->Refresh();
    (void)Reload();  // a failed reload keeps the previous view; retried at the next poll
    int64_t now = options_.clock->NowUnixSeconds();
    if (options_.run_schedules) FireSchedules(now);
    if (SteadyClock::now() >= next_stale_check_) {
      CheckStaleness(now);
      next_stale_check_ = SteadyClock::now() + options_.stale_check_interval;
    }
    lock.lock();
    loop_cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_; });
  }
}

void Scheduler::FireSchedules(int64_t now) {
  std::lock_guard lock(mu_);
  for (auto& [name, next] : next_fire_) {
    if (next > now) continue;
    const TagEntry& entry = view_->tags.at(name);
    (void)EnqueueLocked(JobRequest{name, BizDateFor(entry.definition, next), std::nullopt, RunTrigger::kSchedule,
                                   "schedule"},
                        1, SteadyClock::now());
    next = schedules_.at(name).NextAfter(now, producer_->options().utc_offset_minutes);
  }
}

void Scheduler::CheckStaleness(int64_t now) {
  std::shared_ptr<const Snapshot> snap = store_->snapshot();
  std::vector<Alert> alerts;
  std::lock_guard lock(mu_);
  auto view = std::make_shared<CatalogView>(*view_);
  for (const auto& [name, cron] : schedules_) {
    const TagInfo* info = snap->FindTag(name);
    int64_t latest = info != nullptr && !info->versions.empty() ? info->versions.back().created_unix : 0;
    for (const VersionInfo& v : info != nullptr ? info->versions : std::vector<VersionInfo>{}) {
      latest = std::max(latest, v.created_unix);
    }
    int64_t allowed = ScheduledStaleness(cron, producer_->options().utc_offset_minutes, now,
                                         options_.stale_grace.count());
    QualityCheck check = tagloop::CheckStaleness(latest, now, allowed);
    if (check.passed) {
      view->stale.erase(name);
    } else if (view->stale.insert(name).second) {
      alerts.push_back(Alert{"stale", name, fmt::format("tag '{}' is stale: {}", name, check.message),
                             {{"schedule", cron.text()}, {"latest_published_unix", latest}}, now * 1000});
    }
  }
  view_ = std::move(view);
  if (AlertSink* sink = producer_->options().alerts) {
    for (const Alert& a : alerts) sink->Send(a);
  }
}

}  // namespace tagloop
