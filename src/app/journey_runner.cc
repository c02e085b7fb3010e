// JourneyRunner: loading journeys, entries, moves and sends (the runner's
// thread). The API's views (counts, users, test run, migration):
// journey_views.cc.
#include "app/journey_runner.h"

#include <xxhash.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/journey_active.h"
#include "core/date.h"
#include "outreach/channel_factory.h"
#include "outreach/control_group.h"
#include "outreach/planner.h"
#include "produce/cron.h"
#include "segment/segment.h"
#include "store/user_dictionary.h"

namespace tagloop {

using outreach::CampaignRecord;
using outreach::CampaignState;
using outreach::GroupPlace;
using outreach::JourneyStep;
using outreach::StepType;

namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kCacheMs = 1000;            // audience and branch conditions are re-evaluated after this
constexpr int64_t kFreezeEveryMs = 5 * 60'000;  // step populations to saved segments
constexpr int64_t kRecoveryMarginMs = 10 * 60'000;
constexpr int kMaxRouteDepth = 400;

// Timers of waits under an hour fire on the second, longer ones on the minute,
// so the users of a minute (or second) share one group.
int64_t RoundWake(int64_t wake_ms, int64_t wait_ms) {
  const int64_t slot = wait_ms < kHourMs ? 1000 : 60'000;
  return (wake_ms + slot - 1) / slot * slot;
}

// The next time of day `minute` (0..1439) after now on the business clock.
int64_t NextTimeOfDay(int64_t now_ms, int minute, int utc_offset_minutes) {
  const int64_t offset = int64_t{utc_offset_minutes} * 60'000;
  const int64_t local = now_ms + offset;
  const int64_t day_start = local - ((local % 86'400'000) + 86'400'000) % 86'400'000;
  int64_t at = day_start + int64_t{minute} * 60'000;
  if (at <= local) at += 86'400'000;
  return at - offset;
}

uint64_t TriggerHash(const events::Event& e) { return XXH3_64bits(e.event_id.data(), e.event_id.size()); }

uint64_t SplitSeed(std::string_view id, std::string_view step) {
  const std::string key = fmt::format("{}\n{}", id, step);
  return XXH3_64bits(key.data(), key.size());
}

}  // namespace

struct JourneyRunner::Dest {
  Bitmap users;
  std::optional<GroupPlace> place;  // none: they leave
  std::string reason;               // when they leave
  bool join = false;
  std::vector<std::string> via = {};  // steps passed without stopping, in order
};

JourneyRunner::JourneyRunner(JourneyRunnerParts parts) : parts_(std::move(parts)) {}

JourneyRunner::~JourneyRunner() { Stop(); }

std::string JourneyRunner::StatePath(std::string_view id) const {
  return fmt::format("{}/outreach/{}/journey.state", parts_.data_dir, id);
}

std::string JourneyRunner::LedgerPath(std::string_view id) const {
  return fmt::format("{}/outreach/{}/journey.ledger", parts_.data_dir, id);
}

SegmentQueryOptions JourneyRunner::Query() const {
  SegmentQueryOptions q;
  q.as_of = DaysFromUnixSeconds(parts_.clock->NowUnixSeconds() + int64_t{parts_.utc_offset_minutes} * 60);
  q.segments = this;  // the saved segments, with live step populations
  return q;
}

Status JourneyRunner::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return Status::Ok();
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void JourneyRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<std::string, std::shared_ptr<Active>> gone;
  {
    std::lock_guard lock(mu_);
    gone.swap(active_);
  }
  for (auto& [id, a] : gone) {
    std::lock_guard work(a->mu);
    for (auto& [g, s] : a->sending) {
      s.handle->Cancel();
      (void)s.handle->Wait();
    }
    a->sending.clear();
    (void)a->state->Commit();
  }
}

void JourneyRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void JourneyRunner::OnEvents(const std::vector<events::Event>& events, const std::vector<uint32_t>& users) {
  {
    std::lock_guard lock(mu_);
    if (active_.empty()) return;  // nobody listens: no copy
    inbox_.emplace_back(events, users);
    stats_.events_seen += events.size();
  }
  cv_.notify_all();
}

std::shared_ptr<JourneyRunner::Active> JourneyRunner::Find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = active_.find(id);
  return it == active_.end() ? nullptr : it->second;
}

void JourneyRunner::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    std::vector<std::pair<std::vector<events::Event>, std::vector<uint32_t>>> inbox;
    inbox.swap(inbox_);
    const bool woken = std::exchange(woken_, false);
    lock.unlock();
    const int64_t now = parts_.clock->NowUnixMillis();
    if (woken || now - last_sync_ms_ >= parts_.tick_ms || now < last_sync_ms_) {
      Sync(now);
      last_sync_ms_ = now;
    }
    std::vector<std::shared_ptr<Active>> all;
    {
      std::lock_guard l(mu_);
      for (auto& [id, a] : active_) all.push_back(a);
    }
    int64_t next_wake = now + parts_.tick_ms;
    for (const std::shared_ptr<Active>& a : all) {
      {
        std::lock_guard work(a->mu);
        for (auto& [events, users] : inbox) TakeEvents(*a, events, users, now, /*replay=*/false);
      }
      Work(*a, now);
      const int64_t w = a->state->NextWakeMs();
      if (w > 0 && a->record.state == CampaignState::kRunning) next_wake = std::min(next_wake, w);
      if (a->next_schedule_ms > 0) next_wake = std::min(next_wake, a->next_schedule_ms);
    }
    lock.lock();
    const int64_t wait = std::clamp<int64_t>(next_wake - parts_.clock->NowUnixMillis(), 1, parts_.tick_ms);
    cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stop_ || woken_ || !inbox_.empty(); });
  }
}

// The lifecycle: running and paused journeys are loaded, others unloaded
// (cancelled: everyone inside leaves, `stopped`).
void JourneyRunner::Sync(int64_t now) {
  Result<std::vector<CampaignRecord>> list = parts_.campaigns->List();
  if (!list.ok()) {
    spdlog::warn("journeys: cannot list campaigns: {}", list.status().ToString());
    return;
  }
  std::set<std::string> wanted;
  for (CampaignRecord& record : *list) {
    if (!record.definition.IsJourney()) continue;
    const std::string id = record.id;
    if (record.state == CampaignState::kScheduled && record.definition.schedule_at_ms &&
        *record.definition.schedule_at_ms <= now) {
      Result<CampaignRecord> started = parts_.campaigns->Start(id, outreach::Actor{"tagloop", true});
      if (started.ok()) record = std::move(*started);
    }
    if (record.state != CampaignState::kRunning && record.state != CampaignState::kPaused) continue;
    wanted.insert(id);
    std::shared_ptr<Active> a = Find(id);
    if (!a) {
      if (Status st = Load(record); !st.ok()) {
        spdlog::warn("journey {}: cannot run: {}", record.definition.name, st.ToString());
        if (parts_.pause) parts_.pause(id, "cannot run: " + st.message());
      }
      continue;
    }
    std::lock_guard work(a->mu);
    if (record.version != a->record.version) {
      a->versions[record.version] = record.definition;
      a->compiled.erase(record.version);
      a->NoteSteps(record.definition);
    }
    a->record = record;
  }
  std::vector<std::string> gone;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, a] : active_) {
      if (!wanted.count(id)) gone.push_back(id);
    }
  }
  for (const std::string& id : gone) {
    bool stopped = false;
    for (const CampaignRecord& r : *list) {
      if (r.id == id) stopped = r.state == CampaignState::kCancelled || r.state == CampaignState::kDone;
    }
    Unload(id, stopped, now);
  }
}

Status JourneyRunner::Load(const CampaignRecord& record) {
  auto a = std::make_shared<Active>();
  a->record = record;
  a->name = record.definition.name;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, parts_.campaigns->Runs(record.id));
  TAGLOOP_ASSIGN_OR_RETURN(auto versions, parts_.campaigns->Versions(record.id));
  for (auto& [v, def] : versions) {
    if (def.IsJourney()) a->versions[v] = std::move(def);
  }
  a->versions[record.version] = record.definition;
  for (const auto& [v, def] : a->versions) a->NoteSteps(def);
  TAGLOOP_ASSIGN_OR_RETURN(a->state, outreach::JourneyState::Open(StatePath(record.id)));
  TAGLOOP_ASSIGN_OR_RETURN(a->ledger, outreach::Ledger::Open(LedgerPath(record.id)));
  const outreach::Journey& j = *record.definition.journey;
  const int64_t now = parts_.clock->NowUnixMillis();
  if (j.entry.kind == outreach::JourneyEntry::Kind::kSchedule) {
    TAGLOOP_ASSIGN_OR_RETURN(CronSchedule cron, CronSchedule::Parse(j.entry.cron));
    // After the last run (or the approval): a fire time missed while down fires once.
    int64_t after_ms = record.updated_ms;
    if (!runs.empty()) after_ms = std::max(after_ms, runs.back().started_ms);
    a->last_run_ms = runs.empty() ? 0 : runs.back().started_ms;
    a->next_schedule_ms = cron.NextAfter(after_ms / 1000, parts_.utc_offset_minutes) * 1000;
  }
  const bool fresh = a->state->events_taken_until() == 0;
  if (fresh) a->state->SetEventsTakenUntil(now);  // events from now on
  std::lock_guard work(a->mu);
  {
    std::lock_guard lock(mu_);
    active_[record.id] = a;
  }
  if (!fresh) TAGLOOP_RETURN_IF_ERROR(RecoverEvents(*a, now));
  TAGLOOP_RETURN_IF_ERROR(a->state->Commit());
  FreezeSteps(*a, now, /*force=*/true);
  spdlog::info("journey {}: running, {} users inside", record.definition.name, a->state->InsideCount());
  return Status::Ok();
}

void JourneyRunner::Unload(const std::string& id, bool stopped, int64_t now) {
  std::shared_ptr<Active> a;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(id);
    if (it == active_.end()) return;
    a = it->second;
    active_.erase(it);
  }
  std::lock_guard work(a->mu);
  for (auto& [g, s] : a->sending) {
    s.handle->Cancel();
    (void)s.handle->Wait();
  }
  a->sending.clear();
  if (stopped) {
    for (uint32_t g : a->state->AllGroups()) {
      if (std::optional<outreach::JourneyGroup> group = a->state->Group(g)) {
        a->state->Leave(g, group->members, "stopped", now);
      }
    }
    FreezeSteps(*a, now, /*force=*/true);
  }
  if (Status st = a->state->Commit(); !st.ok()) spdlog::warn("journey {}: {}", a->record.definition.name, st.ToString());
}

void JourneyRunner::Work(Active& a, int64_t now) {
  std::lock_guard work(a.mu);
  Status st = WorkLocked(a, now);
  if (!st.ok() && a.record.state == CampaignState::kRunning) {
    spdlog::warn("journey {}: {}", a.record.definition.name, st.ToString());
    a.record.state = CampaignState::kPaused;  // until the lifecycle says otherwise
    for (auto& [g, s] : a.sending) s.handle->Pause();
    if (parts_.pause) parts_.pause(a.record.id, st.message());
  }
}

Status JourneyRunner::WorkLocked(Active& a, int64_t now) {
  const bool running = a.record.state == CampaignState::kRunning;
  if (running) {
    if (a.next_schedule_ms > 0 && a.next_schedule_ms <= now) TAGLOOP_RETURN_IF_ERROR(ScheduledEntry(a, now));
    TAGLOOP_RETURN_IF_ERROR(FinishSends(a, now));
    // Timers: waits end, event waits time out.
    for (uint32_t g : a.state->DueGroups(now)) {
      std::optional<outreach::JourneyGroup> group = a.state->Group(g);
      if (!group) continue;
      const outreach::Campaign& def = a.versions.at(group->place.version);
      const JourneyStep* step = def.journey->Find(group->place.step);
      if (step == nullptr) {
        a.state->Leave(g, group->members, "step_removed", now);
        continue;
      }
      const std::string& next = step->type == StepType::kWaitEvent ? step->timeout_next : step->next;
      Forward(a, g, group->members, group->place.version, group->place.occurrence, next, now, nullptr);
    }
  }
  TAGLOOP_RETURN_IF_ERROR(a.state->Commit());
  // Sends start only once the arrival at their step is durable.
  if (running) TAGLOOP_RETURN_IF_ERROR(StartSends(a, now));
  // Quiet hours (defer) and pauses hold the sends.
  bool hold = !running;
  if (running && a.record.definition.campaign_class == outreach::CampaignClass::kMarketing) {
    if (now - a.policy_at_ms > kCacheMs * 30 || !a.policy) {
      TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicyVersion current, parts_.policies->Current());
      TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy p, outreach::EffectivePolicy(current.policy, a.record.definition));
      a.policy = std::move(p);
      a.policy_at_ms = now;
    }
    if (a.policy->quiet_hours && a.policy->quiet_hours->mode == outreach::QuietHours::Mode::kDefer) {
      hold = a.policy->quiet_hours->NextAllowedMs(now, parts_.utc_offset_minutes) != now;
    }
  }
  a.held_quiet = running && hold;
  for (auto& [g, s] : a.sending) {
    if (hold != s.held) {
      hold ? s.handle->Pause() : s.handle->Resume();
      s.held = hold;
    }
  }
  if (now - a.compacted_at_ms > 60'000) {
    a.compacted_at_ms = now;
    TAGLOOP_RETURN_IF_ERROR(a.state->CompactIfLarge().status());
  }
  FreezeSteps(a, now, /*force=*/false);
  return Status::Ok();
}

// ---- entries ----------------------------------------------------------------

Result<const Bitmap*> JourneyRunner::AudienceOf(Active& a, int64_t now) {
  const outreach::Campaign& def = a.record.definition;
  if (def.audience.kind == outreach::Audience::Kind::kExpr && def.audience.expr == "ALL") return nullptr;
  if (!a.audience || now - a.audience_at_ms >= kCacheMs || a.audience_version != a.record.version) {
    std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
    Result<Bitmap> audience = outreach::ResolveAudience(*snapshot, def.audience, Query());
    if (!audience.ok()) return Status::FailedPrecondition(fmt::format("audience: {}", audience.status().message()));
    a.audience = std::move(*audience);
    a.audience_at_ms = now;
    a.audience_version = a.record.version;
  }
  return &*a.audience;
}

Result<const Bitmap*> JourneyRunner::ConditionOf(Active& a, const std::string& condition, int64_t now) {
  auto it = a.conditions.find(condition);
  // A condition naming step populations sees them as they are now.
  const bool live = condition.find("campaign_") != std::string::npos;
  if (it == a.conditions.end() || live || now - it->second.second >= kCacheMs) {
    std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
    Result<Bitmap> users = EvaluateSegment(*snapshot, condition, Query());
    if (!users.ok()) return Status::FailedPrecondition(fmt::format("branch condition: {}", users.status().message()));
    it = a.conditions.insert_or_assign(condition, std::make_pair(std::move(*users), now)).first;
  }
  return &it->second.first;
}

// Who of `candidates` may enter now: not inside, re-entry rules, global
// control, the cap on concurrent journeys, the audience.
Bitmap JourneyRunner::FilterEntries(Active& a, Bitmap left, int64_t now, std::map<std::string, uint64_t>* suppressed) {
  const outreach::Journey& j = *a.record.definition.journey;
  auto drop = [&](const Bitmap& out, const char* reason) {
    const uint64_t before = left.cardinality();
    left.AndNotWith(out.get());
    if (suppressed && before > left.cardinality()) (*suppressed)[reason] += before - left.cardinality();
  };
  const int64_t reentry_since = now - int64_t{j.reentry_days} * 86'400'000 + 1;
  if (left.cardinality() < 1024) {
    // A few users (an event batch): asked one by one, no bitmap of the journey copied.
    Bitmap inside, again;
    for (uint32_t u : left.ToVector()) {
      if (a.state->GroupOf(u)) {
        inside.Add(u);
      } else if ((j.reentry == outreach::ReentryMode::kOnce && a.state->EnteredEver(u)) ||
                 (j.reentry == outreach::ReentryMode::kAfter && a.state->EnteredSince(u, reentry_since))) {
        again.Add(u);
      }
    }
    drop(inside, "already_inside");
    drop(again, "reentry");
  } else {
    drop(a.state->Inside(), "already_inside");
    if (j.reentry == outreach::ReentryMode::kOnce) {
      drop(a.state->EverEntered(), "reentry");
    } else if (j.reentry == outreach::ReentryMode::kAfter) {
      drop(a.state->EnteredSince(reentry_since), "reentry");
    }
  }
  if (a.record.definition.campaign_class == outreach::CampaignClass::kMarketing && a.policy &&
      a.policy->global_control && a.policy->global_control->share > 0) {
    drop(outreach::GlobalControlGroup(left, a.policy->global_control->salt, a.policy->global_control->share),
         "global_control");
  }
  if (j.max_concurrent) {
    std::vector<std::shared_ptr<Active>> others;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, o] : active_) {
        if (o.get() != &a) others.push_back(o);
      }
    }
    if (static_cast<int>(others.size()) >= *j.max_concurrent) {
      Bitmap capped;
      for (uint32_t u : left.ToVector()) {
        int n = 0;
        for (const auto& o : others) n += o->state->GroupOf(u).has_value();
        if (n >= *j.max_concurrent) capped.Add(u);
      }
      drop(capped, "max_concurrent");
    }
  }
  return left;
}

Status JourneyRunner::ScheduledEntry(Active& a, int64_t now) {
  const outreach::Campaign& def = a.record.definition;
  TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicyVersion current, parts_.policies->Current());
  TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy policy, outreach::EffectivePolicy(current.policy, def));
  a.policy = std::move(policy);
  a.policy_at_ms = now;
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  Result<Bitmap> audience = outreach::ResolveAudience(*snapshot, def.audience, Query());
  if (!audience.ok()) return Status::FailedPrecondition(fmt::format("audience: {}", audience.status().message()));
  outreach::CampaignPlan plan;
  plan.funnel.audience = audience->cardinality();
  std::map<std::string, uint64_t> suppressed;
  Bitmap eligible = FilterEntries(a, std::move(*audience), now, &suppressed);
  for (const auto& [reason, n] : suppressed) plan.funnel.suppressed.emplace_back(reason, n);
  // Occurrences are read before the entry records change them.
  std::map<uint32_t, Bitmap> by_occurrence = a.state->ByOccurrence(eligible);
  for (auto& [occurrence, group] : by_occurrence) {
    Bitmap control =
        def.control_share > 0 ? outreach::CampaignControl(group, a.record.id, def.control_share) : Bitmap();
    a.state->HoldOut(control, occurrence, now);
    group.AndNotWith(control.get());
    plan.control.OrWith(control.get());
    plan.treatment.OrWith(group.get());
    Forward(a, 0, group, a.record.version, occurrence, def.journey->start, now, nullptr);
  }
  plan.funnel.control = plan.control.cardinality();
  plan.funnel.planned = plan.treatment.cardinality();
  TAGLOOP_RETURN_IF_ERROR(a.state->Commit());
  const Days date = Query().as_of;
  TAGLOOP_ASSIGN_OR_RETURN(outreach::FrozenPlan frozen,
                           outreach::FreezePlan(*parts_.segments, def, plan, date, "journey:" + def.name));
  outreach::CampaignRun run;
  run.started_ms = now;
  run.policy_version = current.version;
  run.funnel = plan.funnel;
  run.treatment_segment = frozen.treatment;
  run.control_segment = frozen.control;
  TAGLOOP_ASSIGN_OR_RETURN(run.run, parts_.campaigns->RecordRun(a.record.id, run));
  TAGLOOP_ASSIGN_OR_RETURN(CronSchedule cron, CronSchedule::Parse(def.journey->entry.cron));
  a.last_run_ms = now;
  a.next_schedule_ms = cron.NextAfter(now / 1000, parts_.utc_offset_minutes) * 1000;
  {
    std::lock_guard lock(mu_);
    stats_.entered += plan.funnel.planned;
    stats_.held_out += plan.funnel.control;
  }
  spdlog::info("journey {}: run {}: audience {}, entered {}, control {}", def.name, run.run, plan.funnel.audience,
               plan.funnel.planned, plan.funnel.control);
  return Status::Ok();
}

// ---- events -----------------------------------------------------------------

void JourneyRunner::TakeEvents(Active& a, const std::vector<events::Event>& evs, const std::vector<uint32_t>& users,
                               int64_t now, bool replay) {
  const outreach::Campaign& def = a.record.definition;
  const outreach::Journey& j = *def.journey;
  const bool entering = a.record.state == CampaignState::kRunning && j.entry.kind == outreach::JourneyEntry::Kind::kEvent;
  Result<const Active::Compiled*> compiled = a.CompiledFor(a.record.version, parts_.event_types);
  if (!compiled.ok()) return;
  Bitmap candidates;
  std::vector<uint64_t> triggers;
  int64_t latest = 0;
  for (size_t i = 0; i < evs.size(); ++i) {
    const events::Event& e = evs[i];
    const uint32_t u = users[i];
    if (u == UserDictionary::kNotFound) continue;
    latest = std::max(latest, e.time_ms);
    std::optional<uint32_t> g = a.state->GroupOf(u);
    if (g) {
      std::optional<outreach::JourneyGroup> group;
      if (def.goal && j.exit_on_goal && e.type == def.goal->event) {
        a.state->Leave(*g, Bitmap::Of(std::vector<uint32_t>{u}), "converted", now);
        continue;
      }
      group = a.state->Group(*g);
      if (!group) continue;
      const outreach::Campaign* gdef = &a.versions.at(group->place.version);
      Result<const Active::Compiled*> gc = a.CompiledFor(group->place.version, parts_.event_types);
      if (!gc.ok()) continue;
      for (const JourneyStep& s : gdef->journey->steps) {
        if (s.type != StepType::kWaitEvent || s.event.type != e.type) continue;
        if (!events::MatchesWhere((*gc)->step_where.at(s.name), e)) continue;
        if (group->place.step == s.name && group->place.wake_ms > 0) {
          // An event from before the group got here, taken again after a restart, does not move it.
          if (replay && e.time_ms < group->since_ms) continue;
          Forward(a, *g, Bitmap::Of(std::vector<uint32_t>{u}), group->place.version, group->place.occurrence, s.next,
                  now, nullptr);
          std::lock_guard lock(mu_);
          ++stats_.moved;
        } else {
          a.recent[s.name][u] = e.time_ms;  // counts when the user arrives there
        }
      }
      continue;
    }
    if (entering && e.type == j.entry.event.type && events::MatchesWhere((*compiled)->entry_where, e)) {
      const uint64_t hash = TriggerHash(e);
      if (a.state->SeenTrigger(hash)) continue;
      triggers.push_back(hash);
      candidates.Add(u);
    }
  }
  if (!candidates.empty()) {
    Result<const Bitmap*> audience = AudienceOf(a, now);
    if (!audience.ok()) {
      // The entry segment is gone or broken: the journey pauses with the reason (never a silent stall).
      a.failure = fmt::format("entries stopped: {}", audience.status().message());
    } else {
      if (*audience) candidates.AndWith((*audience)->get());
      Bitmap eligible = FilterEntries(a, std::move(candidates), now, nullptr);
      for (auto& [occurrence, group] : a.state->ByOccurrence(eligible)) {
        Bitmap control =
            def.control_share > 0 ? outreach::CampaignControl(group, a.record.id, def.control_share) : Bitmap();
        a.state->HoldOut(control, occurrence, now);
        group.AndNotWith(control.get());
        for (uint32_t u : group.ToVector()) {
          for (auto& [step, seen] : a.recent) seen.erase(u);  // a new occurrence: earlier events do not count
        }
        Forward(a, 0, group, a.record.version, occurrence, j.start, now, nullptr);
        std::lock_guard lock(mu_);
        stats_.entered += group.cardinality();
        stats_.held_out += control.cardinality();
      }
    }
    a.state->NoteTriggers(std::move(triggers), now);
  }
  if (latest > 0) a.state->SetEventsTakenUntil(std::min(latest, now));
}

// Events logged since the state's last record (less a margin) are taken
// again: entries are de-duplicated by event id, moves of users no longer
// waiting do nothing.
Status JourneyRunner::RecoverEvents(Active& a, int64_t now) {
  const int64_t since = a.state->events_taken_until();
  if (parts_.event_log == nullptr || since <= 0) return Status::Ok();
  const int64_t from_ms = since - kRecoveryMarginMs;
  std::vector<std::string> types = a.record.definition.journey->EventTypes();
  for (const auto& [v, def] : a.versions) {
    for (const std::string& t : def.journey->EventTypes()) {
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    }
  }
  if (a.record.definition.goal) types.push_back(a.record.definition.goal->event);
  std::vector<events::Event> batch;
  TAGLOOP_RETURN_IF_ERROR(parts_.event_log->Scan(
      parts_.event_log->BusinessDay(from_ms), parts_.event_log->BusinessDay(now), [&](const events::Event& e) {
        if (e.time_ms >= from_ms && std::find(types.begin(), types.end(), e.type) != types.end()) batch.push_back(e);
        return Status::Ok();
      }));
  if (batch.empty()) return Status::Ok();
  std::sort(batch.begin(), batch.end(), [](const auto& x, const auto& y) { return x.time_ms < y.time_ms; });
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::vector<std::string_view> ids;
  for (const events::Event& e : batch) ids.push_back(e.user_id);
  std::vector<uint32_t> users(batch.size());
  dictionary->FindMany(ids, users.data());
  TakeEvents(a, batch, users, now, /*replay=*/true);
  spdlog::info("journey {}: took {} logged events again after the restart", a.record.definition.name, batch.size());
  return Status::Ok();
}

// ---- moves ------------------------------------------------------------------

void JourneyRunner::Forward(Active& a, uint32_t from, const Bitmap& users, int64_t version, uint32_t occurrence,
                            const std::string& step, int64_t now, nlohmann::json tally) {
  std::vector<Dest> dests = Route(a, version, step, Bitmap::Copy(users.get()), occurrence, now, 0);
  for (Dest& d : dests) {
    if (d.users.empty()) continue;
    if (from == 0) {
      if (d.place) {
        a.state->Enter(d.users, *d.place, now, d.join, d.via);
      } else {
        // Entered and left at once (e.g. a branch straight to the exit):
        // in at the first step passed, out at the last.
        const std::string first = d.via.empty() ? a.versions.at(version).journey->start : d.via.front();
        const uint32_t g = a.state->Enter(d.users, GroupPlace{version, first, occurrence, 0}, now, false);
        a.state->Leave(g, d.users, d.reason, now, nullptr,
                       std::vector<std::string>(d.via.empty() ? d.via.begin() : d.via.begin() + 1, d.via.end()));
      }
    } else if (d.place) {
      a.state->Move(from, d.users, *d.place, now, d.join, tally, d.via);
    } else {
      a.state->Leave(from, d.users, d.reason, now, tally, d.via);
    }
    tally = nullptr;  // counted once, at the step left
  }
  if (from != 0 && !tally.is_null()) a.state->Leave(from, Bitmap(), "completed", now, tally);
}

std::vector<JourneyRunner::Dest> JourneyRunner::Route(Active& a, int64_t version, const std::string& name,
                                                      Bitmap users, uint32_t occurrence, int64_t now, int depth) {
  std::vector<Dest> out;
  if (users.empty()) return out;
  auto leave = [&](Bitmap who, std::string reason) {
    if (!who.empty()) out.push_back(Dest{std::move(who), std::nullopt, std::move(reason), false, {}});
  };
  if (name.empty()) {
    leave(std::move(users), "completed");
    return out;
  }
  const outreach::Campaign& def = a.versions.at(version);
  const outreach::Journey& j = *def.journey;
  if (j.exit_not_matching) {
    Result<const Bitmap*> audience = AudienceOf(a, now);
    if (audience.ok() && *audience) {
      leave(Bitmap::AndNot(users.get(), (*audience)->get()), "not_matching");
      users.AndWith((*audience)->get());
    }
  }
  const JourneyStep* s = j.Find(name);
  if (s == nullptr || depth > kMaxRouteDepth) {
    leave(std::move(users), "step_removed");
    return out;
  }
  // What comes after a step the users pass without stopping: that step first in `via`.
  auto append = [&](std::vector<Dest> more) {
    for (Dest& d : more) {
      d.via.insert(d.via.begin(), s->name);
      out.push_back(std::move(d));
    }
  };
  switch (s->type) {
    case StepType::kExit:
      out.push_back(Dest{std::move(users), std::nullopt, "completed", false, {s->name}});
      break;
    case StepType::kSend:
      out.push_back(Dest{std::move(users), GroupPlace{version, s->name, occurrence, 0}, "", false, {}});
      break;
    case StepType::kWait: {
      const int64_t at = s->until_minute ? NextTimeOfDay(now, *s->until_minute, parts_.utc_offset_minutes)
                                         : now + s->duration_ms;
      out.push_back(Dest{std::move(users), GroupPlace{version, s->name, occurrence, RoundWake(at, at - now)}, "", true, {}});
      break;
    }
    case StepType::kWaitEvent: {
      // An event already seen since the entry counts at once.
      Bitmap seen;
      if (auto it = a.recent.find(s->name); it != a.recent.end()) {
        for (uint32_t u : users.ToVector()) {
          if (it->second.count(u)) {
            seen.Add(u);
            it->second.erase(u);
          }
        }
      }
      users.AndNotWith(seen.get());
      append(Route(a, version, s->next, std::move(seen), occurrence, now, depth + 1));
      if (!users.empty()) {
        out.push_back(Dest{std::move(users),
                           GroupPlace{version, s->name, occurrence, RoundWake(now + s->timeout_ms, s->timeout_ms)}, "",
                           true, {}});
      }
      break;
    }
    case StepType::kBranch: {
      Result<const Bitmap*> cond = ConditionOf(a, s->condition, now);
      if (!cond.ok()) {
        // Never a silent stall: they wait here and the journey pauses with the reason.
        out.push_back(Dest{std::move(users), GroupPlace{version, s->name, occurrence, now + parts_.tick_ms}, "", true, {}});
        a.failure = fmt::format("step '{}': {}", s->name, cond.status().message());
        break;
      }
      Bitmap yes = Bitmap::And(users.get(), (*cond)->get());
      users.AndNotWith(yes.get());
      append(Route(a, version, s->yes, std::move(yes), occurrence, now, depth + 1));
      append(Route(a, version, s->no, std::move(users), occurrence, now, depth + 1));
      break;
    }
    case StepType::kSplit: {
      const uint64_t seed = SplitSeed(a.record.id, s->name);
      std::vector<Bitmap> parts(s->paths.size());
      for (uint32_t u : users.ToVector()) {
        const double x = static_cast<double>(outreach::UserHash(seed, u) >> 11) / static_cast<double>(uint64_t{1} << 53);
        double acc = 0;
        size_t k = 0;
        for (; k + 1 < s->paths.size(); ++k) {
          acc += s->paths[k].share;
          if (x < acc) break;
        }
        parts[k].Add(u);
      }
      for (size_t k = 0; k < parts.size(); ++k) {
        if (s->paths[k].control) {
          if (!parts[k].empty()) {
            out.push_back(Dest{std::move(parts[k]), std::nullopt, "split_control:" + s->paths[k].name, false, {s->name}});
          }
        } else {
          append(Route(a, version, s->paths[k].next, std::move(parts[k]), occurrence, now, depth + 1));
        }
      }
      break;
    }
  }
  return out;
}

// ---- sends ------------------------------------------------------------------

Status JourneyRunner::StartSends(Active& a, int64_t now) {
  (void)now;
  if (!a.failure.empty()) return Status::FailedPrecondition(std::exchange(a.failure, ""));
  for (uint32_t g : a.state->Untimed()) {
    if (a.sending.count(g)) continue;
    std::optional<outreach::JourneyGroup> group = a.state->Group(g);
    if (!group || group->place.wake_ms != 0) continue;
    const outreach::Campaign& def = a.versions.at(group->place.version);
    const JourneyStep* step = def.journey->Find(group->place.step);
    if (step == nullptr || step->type != StepType::kSend) continue;
    TAGLOOP_ASSIGN_OR_RETURN(SendRenderer * renderer, a.RendererFor(group->place.version, *step, parts_));
    std::shared_ptr<outreach::Channel>& channel = a.channels[step->channel];
    if (!channel) {
      Result<outreach::ChannelSpec> spec = parts_.channels->Get(step->channel);
      if (!spec.ok()) return Status::FailedPrecondition(fmt::format("step '{}': no channel '{}'", step->name, step->channel));
      TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Channel> made, outreach::MakeChannel(*spec));
      channel = std::move(made);
    }
    outreach::DispatchJob job;
    job.campaign_id = a.record.id;
    job.step = step->name;
    job.occurrence = group->place.occurrence;
    job.plan = Bitmap::Copy(group->members.get());
    job.ledger = a.ledger.get();
    job.channel = channel;
    job.render_batch = [renderer, step = step->name, occ = group->place.occurrence](const std::vector<uint32_t>& users) {
      return renderer->Render(users, step, occ);
    };
    const bool coupon = channel->spec().kind == "coupon";
    job.on_committed = [this, id = a.record.id, name = step->channel, coupon,
                        s = step->name](const std::vector<outreach::CommittedSend>& sent) {
      if (parts_.on_committed) parts_.on_committed(id, name, coupon, s, sent);
    };
    TAGLOOP_ASSIGN_OR_RETURN(std::shared_ptr<outreach::DispatchHandle> handle, parts_.dispatcher->Start(std::move(job)));
    a.sending[g] = Active::Sending{handle, false};
    std::lock_guard lock(mu_);
    ++stats_.sends_started;
  }
  return Status::Ok();
}

// Groups whose every member has an outcome move on, with the outcomes tallied.
Status JourneyRunner::FinishSends(Active& a, int64_t now) {
  for (auto it = a.sending.begin(); it != a.sending.end();) {
    const outreach::DispatchProgress p = it->second.handle->Progress();
    if (!p.done) {
      ++it;
      continue;
    }
    const uint32_t g = it->first;
    Status st = it->second.handle->Wait();
    it = a.sending.erase(it);
    if (!st.ok() || p.cancelled) {
      if (!st.ok()) return Status::FailedPrecondition(fmt::format("a send stopped: {}", st.message()));
      continue;
    }
    std::optional<outreach::JourneyGroup> group = a.state->Group(g);
    if (!group) continue;
    uint64_t sent = 0, failed = 0, suppressed = 0;
    for (uint32_t u : group->members.ToVector()) {
      const outreach::LedgerEntry e = a.ledger->Lookup(u, group->place.step, group->place.occurrence);
      if (e.state == outreach::DeliveryState::kSent) ++sent;
      if (e.state == outreach::DeliveryState::kFailed || e.state == outreach::DeliveryState::kDead) ++failed;
      if (e.state == outreach::DeliveryState::kSuppressed) ++suppressed;
    }
    const JourneyStep* step = a.versions.at(group->place.version).journey->Find(group->place.step);
    Forward(a, g, group->members, group->place.version, group->place.occurrence, step ? step->next : "", now,
            {{"sent", sent}, {"failed", failed}, {"suppressed", suppressed}});
  }
  return Status::Ok();
}

// ---- populations ------------------------------------------------------------

void JourneyRunner::FreezeSteps(Active& a, int64_t now, bool force) {
  if (!force && now - a.frozen_at_ms < kFreezeEveryMs) return;
  a.frozen_at_ms = now;
  const outreach::Campaign& def = a.record.definition;
  std::vector<std::string> steps;
  for (const auto& [v, d] : a.versions) {
    for (const JourneyStep& s : d.journey->steps) {
      if (std::find(steps.begin(), steps.end(), s.name) == steps.end()) steps.push_back(s.name);
    }
  }
  if (def.journey->entry.kind == outreach::JourneyEntry::Kind::kEvent) steps.push_back("control");
  for (const std::string& step : steps) {
    Bitmap reached = a.state->Reached(step);
    auto [known, first] = a.frozen_sizes.try_emplace(step, 0);
    uint64_t& last = known->second;
    // Every step has its segment from the start (empty), then a version when it grew.
    if (!first && reached.cardinality() == last) continue;  // only ever grows: same size, same users
    FrozenVersionInput input;
    input.kind = SegmentKind::kList;
    input.members = std::move(reached);
    input.date = Query().as_of;
    input.created_by = "journey:" + def.name;
    input.source = fmt::format("journey '{}': users who reached step '{}'", def.name, step);
    input.description = fmt::format("step '{}' of journey '{}' ({})", step, def.name, def.title);
    const uint64_t size = input.members.cardinality();
    Result<SegmentVersion> v = parts_.segments->AddVersion(fmt::format("campaign_{}_{}", def.name, step), std::move(input));
    if (v.ok()) {
      last = size;
    } else {
      spdlog::warn("journey {}: step '{}' not frozen: {}", def.name, step, v.status().ToString());
    }
  }
}

Result<std::string> JourneyRunner::ExpressionOf(std::string_view name) const { return parts_.segments->ExpressionOf(name); }

std::vector<std::string> JourneyRunner::Names() const { return parts_.segments->Names(); }

Result<std::optional<FrozenMembers>> JourneyRunner::MembersOf(std::string_view name, Days as_of, bool load) const {
  std::vector<std::shared_ptr<Active>> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, a] : active_) all.push_back(a);
  }
  for (const auto& a : all) {
    const std::string prefix = "campaign_" + a->name + "_";
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string step(name.substr(prefix.size()));
    if (!a->HasStep(step)) continue;
    FrozenMembers m;
    m.kind = "list";
    if (load) m.members = std::make_shared<const Bitmap>(a->state->Reached(step));
    return std::optional<FrozenMembers>(std::move(m));
  }
  return parts_.segments->MembersOf(name, as_of, load);
}

JourneyRunnerStats JourneyRunner::stats() const {
  std::vector<std::shared_ptr<Active>> all;
  JourneyRunnerStats s;
  {
    std::lock_guard lock(mu_);
    s = stats_;
    for (const auto& [id, a] : active_) all.push_back(a);
  }
  s.memory_bytes = 0;
  s.waiting = 0;
  for (const auto& a : all) {
    s.memory_bytes += a->state->MemoryBytes();
    s.waiting += a->state->InsideCount();
  }
  return s;
}

}  // namespace tagloop
