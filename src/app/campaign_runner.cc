// OutreachService, the runner: planning and freezing a run, dispatching it,
// resuming after a restart, the tick that follows schedules, pauses, quiet
// hours and finished dispatches, and what a committed send leaves behind
// (events, touches). Opening and the API's operations: outreach_service.cc.
#include <filesystem>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/outreach_service.h"
#include "core/date.h"
#include "outreach/channel_factory.h"
#include "outreach/message_id.h"

namespace tagloop {

using outreach::Actor;
using outreach::CampaignRecord;
using outreach::CampaignState;

namespace {
const Actor kSystem{"tagloop", true};
}  // namespace

// The touch history is flushed every tick, so a kill loses the touches of
// the last tick; the ledgers are the truth. At start every run of the last
// 366 days (the longest cap window is 365) is replayed into a fresh history.
Status OutreachService::RebuildTouches() {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CampaignRecord> all, campaigns_->List());
  const int64_t since = options_.clock->NowUnixMillis() - int64_t{366} * 86'400'000;
  return touches_->RebuildFrom([&](outreach::TouchHistory& history) -> Status {
    for (const CampaignRecord& record : all) {
      if (record.definition.IsJourney()) {
        TAGLOOP_RETURN_IF_ERROR(ReplayJourneyTouches(record, since, history));
        continue;
      }
      TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
      for (const outreach::CampaignRun& run : runs) {
        if (run.started_ms < since || !std::filesystem::exists(LedgerPath(record.id, run.run))) continue;
        Result<Bitmap> plan = FrozenMembers(run.treatment_segment);
        if (!plan.ok()) continue;  // the segment was deleted: nothing to count against
        TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Ledger> ledger, OpenIdleLedger(record.id, run.run));
        std::map<int64_t, Bitmap> by_hour;
        for (uint32_t u : plan->ToVector()) {
          const outreach::LedgerEntry e = ledger->Lookup(u, "send", 0);
          if (e.state != outreach::DeliveryState::kSent) continue;
          roaring_bitmap_add(by_hour[outreach::TouchHistory::HourOf(e.time_ms)].get(), u);
        }
        for (const auto& [hour, users] : by_hour) {
          history.Record(record.definition.channel, hour * outreach::TouchHistory::kHourMs, users);
        }
      }
    }
    return Status::Ok();
  });
}

// A journey's ledger holds every step and occurrence: its sent records
// within the window count.
Status OutreachService::ReplayJourneyTouches(const CampaignRecord& record, int64_t since,
                                             outreach::TouchHistory& history) {
  const std::string path = journeys_->LedgerPath(record.id);
  if (!std::filesystem::exists(path)) return Status::Ok();
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFile(path));
  uint64_t valid_end = 0;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::LedgerRecord> records, outreach::DecodeLedger(bytes, &valid_end));
  std::map<std::string, std::string> channel_of;  // step -> channel, from every version
  TAGLOOP_ASSIGN_OR_RETURN(auto versions, campaigns_->Versions(record.id));
  for (const auto& [v, def] : versions) {
    if (!def.journey) continue;
    for (const outreach::JourneyStep& s : def.journey->steps) {
      if (s.type == outreach::StepType::kSend) channel_of[s.name] = s.channel;
    }
  }
  std::map<std::pair<std::string, int64_t>, Bitmap> by_hour;  // (channel, hour)
  for (const outreach::LedgerRecord& r : records) {
    if (r.state != outreach::DeliveryState::kSent || r.time_ms < since) continue;
    auto c = channel_of.find(r.step);
    if (c == channel_of.end()) continue;
    by_hour[{c->second, outreach::TouchHistory::HourOf(r.time_ms)}].Add(r.user);
  }
  for (const auto& [key, users] : by_hour) {
    history.Record(key.first, key.second * outreach::TouchHistory::kHourMs, users);
  }
  return Status::Ok();
}

Status OutreachService::Start() {
  TAGLOOP_RETURN_IF_ERROR(RebuildTouches());
  std::lock_guard lock(mu_);
  if (loop_.joinable()) return Status::Ok();
  stop_ = false;
  loop_ = std::thread([this] { Loop(); });
  TAGLOOP_RETURN_IF_ERROR(journeys_->Start());
  if (parts_.realtime != nullptr) {
    parts_.realtime->SetListener([journeys = journeys_.get()](const std::vector<events::Event>& events,
                                                             const std::vector<uint32_t>& users) {
      journeys->OnEvents(events, users);
    });
  }
  return Status::Ok();
}

void OutreachService::Stop() {
  if (parts_.realtime != nullptr) parts_.realtime->SetListener(nullptr);
  if (journeys_) journeys_->Stop();
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
  std::map<std::string, std::unique_ptr<Running>> running;
  {
    std::lock_guard lock(mu_);
    running.swap(running_);
  }
  running.clear();  // cancels and waits, outside the lock (on_committed takes none of it)
  if (touches_) {
    if (Status st = touches_->Flush(); !st.ok()) spdlog::warn("outreach: touch history not flushed: {}", st.ToString());
  }
}

void OutreachService::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void OutreachService::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    Tick();
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), [this] { return stop_ || woken_; });
    woken_ = false;
  }
}

void OutreachService::Tick() {
  Result<std::vector<CampaignRecord>> list = campaigns_->List();
  if (!list.ok()) {
    spdlog::warn("outreach: cannot list campaigns: {}", list.status().ToString());
    return;
  }
  const int64_t now = options_.clock->NowUnixMillis();
  for (CampaignRecord& record : *list) {
    if (record.definition.IsJourney()) continue;  // the journey runner's
    const std::string& id = record.id;
    if (record.state == CampaignState::kScheduled && record.definition.schedule_at_ms &&
        *record.definition.schedule_at_ms <= now) {
      Result<CampaignRecord> started = campaigns_->Start(id, kSystem);
      if (!started.ok()) continue;  // moved by someone else meanwhile
      record = std::move(*started);
    }
    std::unique_lock lock(mu_);
    auto it = running_.find(id);
    if (record.state == CampaignState::kRunning) {
      if (it == running_.end()) {
        lock.unlock();
        Status st;
        Result<std::vector<outreach::CampaignRun>> runs = campaigns_->Runs(id);
        if (!runs.ok()) {
          st = runs.status();
        } else if (runs->empty()) {
          st = StartRun(record);  // approved, then killed before planning
        } else {
          st = ResumeRun(record, runs->back());
        }
        if (!st.ok()) {
          spdlog::warn("campaign {}: cannot run: {}", record.definition.name, st.ToString());
          (void)campaigns_->Pause(id, kSystem, "cannot run: " + st.message());
        }
        continue;
      }
      Running& r = *it->second;
      const outreach::DispatchProgress p = r.handle->Progress();
      if (p.done) {
        std::unique_ptr<Running> finished = std::move(it->second);
        running_.erase(it);
        lock.unlock();
        Status st = finished->handle->Wait();
        if (st.ok() && !p.cancelled) {
          (void)campaigns_->Finish(id, kSystem);
        } else if (!st.ok()) {
          spdlog::warn("campaign {}: dispatch stopped: {}", record.definition.name, st.ToString());
          (void)campaigns_->Pause(id, kSystem, "dispatch stopped: " + st.message());
        }
        continue;
      }
      // Quiet hours in defer mode hold a marketing campaign until they end.
      bool quiet = false;
      if (record.definition.campaign_class == outreach::CampaignClass::kMarketing && r.policy.quiet_hours &&
          r.policy.quiet_hours->mode == outreach::QuietHours::Mode::kDefer) {
        quiet = r.policy.quiet_hours->NextAllowedMs(now, options_.utc_offset_minutes) != now;
      }
      if (quiet != r.held) {
        quiet ? r.handle->Pause() : r.handle->Resume();
        r.held = quiet;
      }
      r.held_quiet = quiet;
    } else if (record.state == CampaignState::kPaused) {
      if (it != running_.end() && !it->second->held) {
        it->second->handle->Pause();
        it->second->held = true;
        it->second->held_quiet = false;
      }
    } else if (it != running_.end()) {
      // Cancelled, rejected (approval revoked) or moved back: stop sending.
      std::unique_ptr<Running> gone = std::move(it->second);
      running_.erase(it);
      lock.unlock();
      gone.reset();
    }
  }
  if (Status st = touches_->Flush(); !st.ok()) spdlog::warn("outreach: touch history not flushed: {}", st.ToString());
}

Status OutreachService::StartRun(const CampaignRecord& record) {
  std::lock_guard plan_lock(plan_mu_);
  {
    std::lock_guard lock(mu_);
    if (running_.count(record.id)) return Status::Ok();
  }
  // A run recorded by a racing planner is resumed, never planned twice.
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
  if (!runs.empty() && record.state == CampaignState::kRunning) {
    const outreach::CampaignRun& last = runs.back();
    if (!std::filesystem::exists(LedgerPath(record.id, last.run)) || last.started_ms >= record.updated_ms) {
      return ResumeRun(record, last);
    }
  }
  const outreach::Campaign& campaign = record.definition;
  SegmentQueryOptions query = TodayQuery();
  TAGLOOP_ASSIGN_OR_RETURN(outreach::CampaignPlan plan, Estimate(record, query));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicyVersion policy, policies_->Current());
  TAGLOOP_ASSIGN_OR_RETURN(outreach::FrozenPlan frozen,
                           outreach::FreezePlan(*parts_.segments, campaign, plan, query.as_of,
                                                "campaign:" + campaign.name));
  outreach::CampaignRun run;
  run.started_ms = options_.clock->NowUnixMillis();
  run.policy_version = policy.version;
  run.funnel = plan.funnel;
  run.treatment_segment = frozen.treatment;
  run.control_segment = frozen.control;
  TAGLOOP_ASSIGN_OR_RETURN(run.run, campaigns_->RecordRun(record.id, run));
  spdlog::info("campaign {}: run {} planned: audience {}, control {}, suppressed {}, planned {}", campaign.name,
               run.run, plan.funnel.audience, plan.funnel.control, plan.funnel.SuppressedTotal(), plan.funnel.planned);
  return Dispatch(record, run, std::move(plan.treatment));
}

namespace {

// The gateway ids of a ledger's `sent` records, by user (a coupon run's
// coupon ids, for its coupon_issued events again after a restart). The
// ledger's index keeps a sent record's detail on disk only, so this reads
// the file once.
Result<std::unordered_map<uint32_t, std::string>> SentGatewayIds(const std::string& path) {
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFile(path));
  uint64_t valid_end = 0;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::LedgerRecord> records, outreach::DecodeLedger(bytes, &valid_end));
  std::unordered_map<uint32_t, std::string> ids;
  for (outreach::LedgerRecord& r : records) {
    if (r.step != "send" || r.occurrence != 0) continue;
    if (r.state == outreach::DeliveryState::kSent) {
      ids[r.user] = std::move(r.detail);
    } else {
      ids.erase(r.user);
    }
  }
  return ids;
}

}  // namespace

Status OutreachService::ResumeRun(const CampaignRecord& record, const outreach::CampaignRun& run) {
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap plan, FrozenMembers(run.treatment_segment));
  return Dispatch(record, run, std::move(plan));
}

Status OutreachService::Dispatch(const CampaignRecord& record, const outreach::CampaignRun& run, Bitmap plan) {
  const outreach::Campaign& campaign = record.definition;
  auto r = std::make_unique<Running>();
  r->record = record;
  r->run = run.run;
  r->planned = plan.cardinality();
  TAGLOOP_ASSIGN_OR_RETURN(outreach::ChannelSpec spec, channels_->Get(campaign.channel));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Channel> channel, outreach::MakeChannel(spec));
  r->channel = std::move(channel);
  TAGLOOP_ASSIGN_OR_RETURN(r->policy, PolicyFor(campaign));
  SendRendererParts rp{parts_.data_dir, parts_.store, parts_.segments, parts_.sources, touches_.get(),
                       options_.clock, options_.utc_offset_minutes};
  TAGLOOP_ASSIGN_OR_RETURN(r->renderer, SendRenderer::Make(rp, record.id, campaign, spec, r->policy));
  TAGLOOP_ASSIGN_OR_RETURN(r->ledger, outreach::Ledger::Open(LedgerPath(record.id, run.run)));
  if (r->ledger->replayed_records() > 0) {
    // A kill between a ledger commit and its events loses those events: the
    // ledger is the truth, so a resumed run writes every sent record's
    // message_sent again (the event log drops the ids it has; the touches
    // were rebuilt from the ledgers at start).
    const bool coupon = spec.kind == "coupon";
    std::unordered_map<uint32_t, std::string> coupon_ids;
    if (coupon) {
      TAGLOOP_ASSIGN_OR_RETURN(coupon_ids, SentGatewayIds(r->ledger->path()));
    }
    std::vector<outreach::CommittedSend> sent;
    std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
    TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
    for (uint32_t u : plan.ToVector()) {
      const outreach::LedgerEntry e = r->ledger->Lookup(u, "send", 0);
      if (e.state != outreach::DeliveryState::kSent) continue;
      auto gateway_id = coupon_ids.find(u);
      sent.push_back({u, outreach::MessageId(record.id, "send", dictionary->ExternalId(u), 0),
                      gateway_id == coupon_ids.end() ? "" : gateway_id->second, e.time_ms});
      if (sent.size() == 4096) {
        OnCommitted(record.id, spec.name, coupon, sent, /*record_touches=*/false);
        sent.clear();
      }
    }
    OnCommitted(record.id, spec.name, coupon, sent, /*record_touches=*/false);
  }
  outreach::DispatchJob job;
  job.campaign_id = record.id;
  job.plan = std::move(plan);
  job.ledger = r->ledger.get();
  job.channel = r->channel;
  job.render_batch = [renderer = r->renderer.get()](const std::vector<uint32_t>& users) { return renderer->Render(users); };
  job.on_committed = [this, id = record.id, name = spec.name, coupon = spec.kind == "coupon"](
                         const std::vector<outreach::CommittedSend>& sent) { OnCommitted(id, name, coupon, sent, true); };
  TAGLOOP_ASSIGN_OR_RETURN(r->handle, dispatcher_->Start(std::move(job)));
  std::lock_guard lock(mu_);
  running_[record.id] = std::move(r);
  return Status::Ok();
}

void OutreachService::OnCommitted(const std::string& campaign_id, const std::string& channel, bool coupon,
                                  const std::vector<outreach::CommittedSend>& sent, bool record_touches,
                                  const std::string& step) {
  if (sent.empty()) return;
  if (record_touches) {
    Bitmap users;
    for (const outreach::CommittedSend& s : sent) roaring_bitmap_add(users.get(), s.user);
    touches_->Record(channel, sent.front().time_ms, users);
  }
  if (parts_.event_log == nullptr) return;
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  Result<const UserDictionary*> dictionary = snapshot->dictionary();
  if (!dictionary.ok()) {
    spdlog::warn("campaign {}: message_sent events not written: {}", campaign_id, dictionary.status().ToString());
    return;
  }
  std::vector<events::Event> batch;
  batch.reserve(sent.size());
  for (const outreach::CommittedSend& s : sent) {
    events::Event e;
    e.event_id = s.message_id;
    e.type = "message_sent";
    e.user_id = std::string((*dictionary)->ExternalId(s.user));
    e.time_ms = s.time_ms;
    e.properties = {{"campaign_id", campaign_id}, {"channel", channel}, {"message_id", s.message_id}};
    if (step != "send") e.properties.emplace_back("step", step);
    if (coupon && !s.gateway_id.empty()) {
      events::Event c;
      c.event_id = "coupon:" + s.message_id;
      c.type = "coupon_issued";
      c.user_id = e.user_id;
      c.time_ms = s.time_ms;
      c.properties = {{"campaign_id", campaign_id}, {"coupon_id", s.gateway_id}};
      batch.push_back(std::move(c));
    }
    batch.push_back(std::move(e));
  }
  if (Result<events::AppendResult> appended = AppendEvents(std::move(batch)); !appended.ok()) {
    spdlog::warn("campaign {}: message_sent events not written: {}", campaign_id, appended.status().ToString());
  }
}

Result<events::AppendResult> OutreachService::AppendEvents(std::vector<events::Event> batch) {
  if (parts_.event_log == nullptr) return Status::FailedPrecondition("this workspace keeps no event log");
  // As POST /events does: the ingest lock from the append to the hand-over,
  // so a real-time replay sees each event once.
  std::shared_lock<std::shared_mutex> ingest;
  if (parts_.realtime != nullptr) ingest = parts_.realtime->IngestLock();
  TAGLOOP_ASSIGN_OR_RETURN(events::AppendResult appended, parts_.event_log->Append(batch));
  if (parts_.realtime != nullptr && appended.appended > 0) {
    std::vector<events::Event> fresh;
    fresh.reserve(appended.appended);
    for (uint32_t i : appended.new_indexes) fresh.push_back(std::move(batch[i]));
    parts_.realtime->Submit(std::move(fresh), appended.first_sequence);
  }
  return appended;
}

Result<std::unique_ptr<outreach::Ledger>> OutreachService::OpenIdleLedger(std::string_view id, int64_t run) {
  return outreach::Ledger::Open(LedgerPath(id, run));
}

CampaignProgress OutreachService::Progress(const CampaignRecord& record) {
  CampaignProgress p;
  {
    std::lock_guard lock(mu_);
    if (auto it = running_.find(record.id); it != running_.end()) {
      const Running& r = *it->second;
      const outreach::DispatchProgress d = r.handle->Progress();
      p.run = r.run;
      p.planned = r.planned;
      p.dispatching = !d.done && !d.paused;
      p.held_by_quiet_hours = r.held_quiet;
      const outreach::LedgerCounts c = r.ledger->Counts("send", 0);
      p.sent = c.sent;
      p.failed = c.failed;
      p.dead = c.dead;
      p.waiting_retry = c.retry;
      p.suppressed_at_send = r.ledger->SuppressedByReason("send", 0);
      const uint64_t final_ = c.sent + c.failed + c.dead + c.suppressed;
      p.pending = p.planned > final_ ? p.planned - final_ : 0;
      return p;
    }
  }
  Result<std::vector<outreach::CampaignRun>> runs = campaigns_->Runs(record.id);
  if (!runs.ok() || runs->empty()) return p;
  const outreach::CampaignRun& run = runs->back();
  p.run = run.run;
  p.planned = run.funnel.planned;
  if (!std::filesystem::exists(LedgerPath(record.id, run.run))) {
    p.pending = p.planned;
    return p;
  }
  Result<std::unique_ptr<outreach::Ledger>> ledger = OpenIdleLedger(record.id, run.run);
  if (!ledger.ok()) return p;
  const outreach::LedgerCounts c = (*ledger)->Counts("send", 0);
  p.sent = c.sent;
  p.failed = c.failed;
  p.dead = c.dead;
  p.waiting_retry = c.retry;
  p.suppressed_at_send = (*ledger)->SuppressedByReason("send", 0);
  const uint64_t final_ = c.sent + c.failed + c.dead + c.suppressed;
  p.pending = p.planned > final_ ? p.planned - final_ : 0;
  return p;
}

Result<std::vector<RecipientRow>> OutreachService::Recipients(const CampaignRecord& record, std::string_view state,
                                                              size_t limit, int64_t cursor, int64_t* next) {
  *next = -1;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
  if (runs.empty()) return std::vector<RecipientRow>{};
  const outreach::CampaignRun& run = runs.back();
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap plan, FrozenMembers(run.treatment_segment));
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::vector<RecipientRow> rows;
  const auto collect = [&](const outreach::Ledger& ledger) {
    roaring_uint32_iterator_t* it = roaring_create_iterator(plan.get());
    if (cursor >= 0) roaring_move_uint32_iterator_equalorlarger(it, static_cast<uint32_t>(cursor) + 1);
    for (; it->has_value; roaring_advance_uint32_iterator(it)) {
      const uint32_t u = it->current_value;
      const outreach::LedgerEntry e = ledger.Lookup(u, "send", 0);
      const char* name = outreach::DeliveryStateName(e.state);
      if (!state.empty() && state != name) continue;
      if (rows.size() == limit) {
        *next = rows.empty() ? -1 : static_cast<int64_t>(rows.back().dense);
        break;
      }
      RecipientRow row;
      row.dense = u;
      row.user_id = std::string(dictionary->ExternalId(u));
      row.state = name;
      row.attempts = e.attempt;
      row.message_id = outreach::MessageId(record.id, "send", row.user_id, 0);
      row.detail = ledger.LastDetail(u, "send", 0);
      row.time_ms = e.time_ms;
      rows.push_back(std::move(row));
    }
    roaring_free_uint32_iterator(it);
  };
  {
    std::lock_guard lock(mu_);
    if (auto it = running_.find(record.id); it != running_.end() && it->second->run == run.run) {
      collect(*it->second->ledger);
      return rows;
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Ledger> ledger, OpenIdleLedger(record.id, run.run));
  collect(*ledger);
  return rows;
}

Result<size_t> OutreachService::RetryDeadLetters(std::string_view id, const Actor& actor) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, campaigns_->Get(id));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(id));
  if (runs.empty()) return size_t{0};
  const int64_t run = runs.back().run;
  const int64_t now = options_.clock->NowUnixMillis();
  size_t retried = 0;
  std::unique_ptr<Running> restart;
  {
    std::lock_guard lock(mu_);
    if (auto it = running_.find(record.id); it != running_.end()) {
      // The live job reads retry times only when it starts: start it again.
      restart = std::move(it->second);
      running_.erase(it);
    }
  }
  if (restart) {
    outreach::Ledger* ledger = restart->ledger.get();
    restart->handle->Cancel();
    (void)restart->handle->Wait();
    TAGLOOP_ASSIGN_OR_RETURN(retried, ledger->RetryDeadLetters("send", 0, now));
    restart.reset();
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Ledger> ledger, OpenIdleLedger(record.id, run));
    TAGLOOP_ASSIGN_OR_RETURN(retried, ledger->RetryDeadLetters("send", 0, now));
  }
  if (retried > 0 && record.state == CampaignState::kDone) {
    TAGLOOP_RETURN_IF_ERROR(campaigns_->Reopen(id, actor, fmt::format("{} dead letters retried", retried)).status());
  }
  Wake();
  return retried;
}

}  // namespace tagloop
