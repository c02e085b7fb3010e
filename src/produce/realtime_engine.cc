#include "produce/realtime_engine.h"

#include <fmt/format.h>

#include <algorithm>

namespace tagloop {

namespace {

using events::Event;
using events::TagValueChange;

constexpr size_t kReplayBatch = 1 << 16;
// Users added since the dictionary was taken are kept in a side map; past
// this many the engine takes a newer dictionary (one index build).
constexpr size_t kMaxNewerUsers = 1 << 20;

bool IsRealtime(const TagDefinition& def) { return def.producer == ProducerKind::kRealtime; }

// Tickets of barriers (empty Submits) count passes of the engine's thread.
constexpr uint64_t kBarrierTicket = uint64_t{1} << 63;

}  // namespace

struct RealtimeEngine::Tag {
  Tag(TagDefinition d, events::EventRule r, int offset)
      : def(std::move(d)), rule(r), state(std::move(r), def.type, offset), live(def.type) {}
  TagDefinition def;
  events::EventRule rule;
  events::RuleState state;
  LiveTag live;
  std::vector<TagValueChange> changes;  // gathered during a batch
  std::shared_ptr<const TagVersion> version;
};

RealtimeEngine::RealtimeEngine(TagStore* store, const events::EventLog* log, RealtimeOptions options)
    : store_(store), log_(log), options_(options) {}

RealtimeEngine::~RealtimeEngine() { Stop(); }

Status RealtimeEngine::SetDefinitions(const std::vector<TagDefinition>& definitions) {
  std::map<std::string, TagDefinition, std::less<>> wanted;
  Status first_error;
  for (const TagDefinition& def : definitions) {
    if (!IsRealtime(def)) continue;
    auto rule = events::ParseEventRule(def.producer_config, def.type, /*realtime=*/true, nullptr);
    if (!rule.ok()) {
      if (first_error.ok()) first_error = Status::InvalidArgument(fmt::format("tag '{}': {}", def.name, rule.status().message()));
      continue;
    }
    wanted.emplace(def.name, def);
  }
  std::lock_guard l(mu_);
  bool same = wanted.size() == definitions_.size() &&
              std::equal(wanted.begin(), wanted.end(), definitions_.begin(), [](const auto& a, const auto& b) {
                return a.first == b.first && a.second.SameAs(b.second);
              });
  if (!same) {
    definitions_ = std::move(wanted);
    definitions_changed_ = true;
    cv_.notify_all();
  }
  return first_error;
}

Status RealtimeEngine::Start() {
  {
    std::lock_guard l(mu_);
    if (started_) return Status::Ok();
    stop_ = false;
  }
  {
    std::unique_lock ingest(ingest_mu_);
    TAGLOOP_RETURN_IF_ERROR(Reload(/*start=*/true));
  }
  std::lock_guard l(mu_);
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void RealtimeEngine::Stop() {
  {
    std::lock_guard l(mu_);
    if (!started_) return;
    stop_ = true;
    started_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t RealtimeEngine::Submit(std::vector<Event> events, uint64_t first_sequence) {
  std::lock_guard l(mu_);
  if (events.empty()) {
    cv_.notify_all();
    return kBarrierTicket | ++passes_requested_;
  }
  if (first_sequence == 0) first_sequence = submitted_ + 1;
  const uint64_t last = first_sequence + events.size() - 1;
  submitted_ = std::max(submitted_, last);
  waiting_.emplace(first_sequence, std::move(events));
  while (!waiting_.empty() && waiting_.begin()->first <= next_sequence_) {
    auto node = waiting_.extract(waiting_.begin());
    if (node.key() < next_sequence_) continue;  // submitted twice: applied already
    next_sequence_ += node.mapped().size();
    for (Event& e : node.mapped()) queue_.push_back(std::move(e));
  }
  stats_.pending = queue_.size();
  for (const auto& [seq, batch] : waiting_) stats_.pending += batch.size();
  cv_.notify_all();
  return last;
}

bool RealtimeEngine::WaitVisible(uint64_t ticket, std::chrono::milliseconds timeout) {
  std::unique_lock l(mu_);
  auto done = [&] {
    const bool reached = (ticket & kBarrierTicket) ? passes_done_ >= (ticket & ~kBarrierTicket) : visible_ >= ticket;
    return reached && !definitions_changed_ && !reloading_;
  };
  return cv_.wait_for(l, timeout, [&] { return done() || stop_; }) && done();
}

RealtimeStats RealtimeEngine::stats() const {
  std::lock_guard l(mu_);
  return stats_;
}

void RealtimeEngine::Loop() {
  for (;;) {
    bool reload = false;
    std::vector<Event> batch;
    uint64_t ticket = 0, passes = 0;
    {
      std::unique_lock l(mu_);
      cv_.wait_for(l, options_.tick, [&] {
        return stop_ || !queue_.empty() || definitions_changed_ || passes_requested_ > passes_done_;
      });
      passes = passes_requested_;
      if (stop_) return;
      reload = definitions_changed_;
      if (!reload) {
        batch.swap(queue_);
        ticket = next_sequence_ - 1;
      }
    }
    Status st;
    if (reload) {
      std::unique_lock ingest(ingest_mu_);
      st = Reload(/*start=*/false);
    } else {
      const int64_t now = options_.clock->NowUnixMillis();
      std::vector<uint32_t> users;
      if (!batch.empty()) st = ApplyBatch(batch, now, &users);
      if (st.ok()) {
        Advance(now);
        PublishChanged(now, /*force=*/false);
        if (!batch.empty()) Notify(batch, users);
      }
    }
    std::unique_lock l(mu_);
    if (!st.ok()) {
      stats_.last_error = st.ToString();
      if (!reload) {
        // Not applied (e.g. the store's write lock stayed busy): keep the
        // batch, in order, and try again after a tick.
        batch.insert(batch.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.swap(batch);
        cv_.wait_for(l, options_.tick, [&] { return stop_; });
        continue;
      }
    }
    if (!reload) {
      visible_ = std::max(visible_, ticket);
      passes_done_ = std::max(passes_done_, passes);
      stats_.events_applied += batch.size();
      stats_.pending = queue_.size();
    }
    cv_.notify_all();
  }
}

// Caller holds ingest_mu_ exclusively: nothing is appended meanwhile.
Status RealtimeEngine::Reload(bool start) {
  std::vector<Event> queued;
  uint64_t ticket;
  std::map<std::string, TagDefinition, std::less<>> wanted;
  {
    std::lock_guard l(mu_);
    queued.swap(queue_);
    ticket = next_sequence_ - 1;
    wanted = definitions_;
    definitions_changed_ = false;
    reloading_ = true;
  }
  const int64_t now = options_.clock->NowUnixMillis();
  // Events already queued belong to the tags as they were (and are in the
  // log, so rebuilt tags see them in the replay).
  std::vector<uint32_t> queued_users;
  Status st = queued.empty() ? Status::Ok() : ApplyBatch(queued, now, &queued_users);

  std::vector<Tag*> rebuilt;
  for (auto it = tags_.begin(); it != tags_.end();) {
    auto w = wanted.find(it->first);
    it = (w == wanted.end() || !w->second.SameAs(it->second->def)) ? tags_.erase(it) : std::next(it);
  }
  Status first_error = st;
  for (const auto& [name, def] : wanted) {
    if (tags_.contains(name)) continue;
    auto rule = events::ParseEventRule(def.producer_config, def.type, true, nullptr);
    if (!rule.ok()) continue;  // reported by SetDefinitions
    auto tag = std::make_unique<Tag>(def, *rule, options_.utc_offset_minutes);
    rebuilt.push_back(tag.get());
    tags_.emplace(name, std::move(tag));
  }
  by_event_type_.clear();
  for (auto& [name, tag] : tags_) {
    for (const std::string& type : events::EventTypesOf(tag->rule)) by_event_type_[type].push_back(tag.get());
  }

  // Replay the log into the rebuilt tags: from the earliest day any of them
  // looks back to.
  const auto started = std::chrono::steady_clock::now();
  uint64_t replayed = 0;
  std::vector<Days> days = log_->days();
  if (!rebuilt.empty() && !days.empty()) {
    Days from = days.front();
    int64_t lookback = 0;
    for (Tag* t : rebuilt) lookback = std::max(lookback, events::LookbackMillis(t->rule));
    if (lookback < now) from = std::max(from, log_->BusinessDay(now - lookback));
    std::unordered_map<std::string, std::vector<Tag*>> interested;
    for (Tag* t : rebuilt) {
      for (const std::string& type : events::EventTypesOf(t->rule)) interested[type].push_back(t);
    }
    std::vector<Event> chunk;
    auto flush = [&]() -> Status {
      std::vector<uint32_t> users;
      TAGLOOP_RETURN_IF_ERROR(ResolveUsers(chunk, /*replay=*/true, &users));
      for (size_t i = 0; i < chunk.size(); ++i) {
        if (users[i] == UserDictionary::kNotFound) continue;  // deleted
        for (Tag* t : interested[chunk[i].type]) t->state.Apply(users[i], chunk[i], &t->changes);
      }
      replayed += chunk.size();
      chunk.clear();
      for (Tag* t : rebuilt) Push(*t, t->changes);
      return Status::Ok();
    };
    Status scan = log_->Scan(from, days.back(), [&](const Event& e) -> Status {
      if (!interested.contains(e.type)) return Status::Ok();
      chunk.push_back(e);
      return chunk.size() >= kReplayBatch ? flush() : Status::Ok();
    });
    if (scan.ok()) scan = flush();
    if (!scan.ok() && first_error.ok()) first_error = scan;
  }
  Advance(now);
  PublishChanged(now, /*force=*/true);
  if (!queued.empty() && st.ok()) Notify(queued, queued_users);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard l(mu_);
  visible_ = std::max(visible_, ticket);
  reloading_ = false;
  stats_.tags = tags_.size();
  stats_.events_applied += queued.size() + replayed;
  stats_.events_replayed = replayed;
  stats_.last_replay_seconds = seconds;
  if (!first_error.ok()) stats_.last_error = first_error.ToString();
  cv_.notify_all();
  return start ? first_error : Status::Ok();
}

Status RealtimeEngine::ResolveUsers(const std::vector<Event>& events, bool replay, std::vector<uint32_t>* users) {
  users->assign(events.size(), UserDictionary::kNotFound);
  if (events.empty()) return Status::Ok();
  if (!dictionary_) dictionary_ = store_->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dict, dictionary_->dictionary());
  std::vector<std::string_view> ids(events.size());
  for (size_t i = 0; i < events.size(); ++i) ids[i] = events[i].user_id;
  dict->FindMany(ids, users->data());
  // Deleted users come back with a new id: the current universe decides.
  std::shared_ptr<const Snapshot> now = store_->snapshot();
  std::vector<std::string_view> missing;
  std::unordered_map<std::string_view, uint32_t> missing_at;
  for (size_t i = 0; i < events.size(); ++i) {
    uint32_t& u = (*users)[i];
    if (auto it = newer_users_.find(events[i].user_id); it != newer_users_.end()) {
      u = it->second;
    } else if (u == UserDictionary::kNotFound || !roaring_bitmap_contains(now->universe(), u)) {
      const bool deleted = u != UserDictionary::kNotFound;
      u = UserDictionary::kNotFound;
      if (deleted && replay) continue;  // forgotten: their logged events stay out
      if (missing_at.emplace(ids[i], 0).second) missing.push_back(ids[i]);
    }
  }
  if (missing.empty()) return Status::Ok();
  // Add the new users to the store (waiting for another writer, e.g. an import).
  std::unique_ptr<StoreWriter> writer;
  for (int attempt = 0;; ++attempt) {
    auto w = store_->BeginWrite();
    if (w.ok()) {
      writer = std::move(*w);
      break;
    }
    if (w.status().code() != Status::Code::kFailedPrecondition || attempt >= 6000) return w.status();
    {
      std::lock_guard l(mu_);
      if (stop_) return w.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::vector<uint32_t> assigned;
  TAGLOOP_RETURN_IF_ERROR(writer->InternUsers(missing, &assigned));
  // Users another process added since the dictionary was taken are found
  // without adding anything: then there is nothing to publish.
  const uint32_t added = writer->user_count() - writer->base().user_count();
  if (added > 0) TAGLOOP_RETURN_IF_ERROR(writer->Commit());
  for (size_t i = 0; i < missing.size(); ++i) {
    newer_users_[std::string(missing[i])] = assigned[i];
    missing_at[missing[i]] = assigned[i];
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if ((*users)[i] != UserDictionary::kNotFound) continue;
    if (auto it = missing_at.find(ids[i]); it != missing_at.end()) (*users)[i] = it->second;
  }
  {
    std::lock_guard l(mu_);
    stats_.new_users += added;
  }
  if (newer_users_.size() > kMaxNewerUsers) {
    dictionary_ = store_->snapshot();
    newer_users_.clear();
  }
  return Status::Ok();
}

void RealtimeEngine::SetListener(EventListener listener) {
  std::lock_guard l(listener_mu_);
  listener_ = std::move(listener);
}

void RealtimeEngine::Notify(const std::vector<Event>& events, const std::vector<uint32_t>& users) {
  std::lock_guard l(listener_mu_);
  if (listener_) listener_(events, users);
}

Status RealtimeEngine::ApplyBatch(std::vector<Event>& events, int64_t now_ms, std::vector<uint32_t>* users_out) {
  std::vector<uint32_t>& users = *users_out;
  users.clear();
  TAGLOOP_RETURN_IF_ERROR(ResolveUsers(events, /*replay=*/false, &users));
  Advance(now_ms);
  for (size_t i = 0; i < events.size(); ++i) {
    auto it = by_event_type_.find(events[i].type);
    if (it == by_event_type_.end()) continue;
    for (Tag* t : it->second) t->state.Apply(users[i], events[i], &t->changes);
  }
  for (auto& [name, tag] : tags_) Push(*tag, tag->changes);
  return Status::Ok();
}

void RealtimeEngine::Advance(int64_t now_ms) {
  for (auto& [name, tag] : tags_) {
    tag->state.AdvanceTo(now_ms, &tag->changes);
    Push(*tag, tag->changes);
  }
}

void RealtimeEngine::Push(Tag& tag, std::vector<TagValueChange>& changes) {
  if (changes.empty()) return;
  std::vector<LiveChange> live(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    live[i] = LiveChange{changes[i].user, changes[i].has_value, changes[i].text, changes[i].number};
  }
  tag.live.Apply(live);
  changes.clear();
}

void RealtimeEngine::PublishChanged(int64_t now_ms, bool force) {
  const Days day = events::BusinessDateOf(now_ms, options_.utc_offset_minutes);
  if (day != published_day_) force = true;
  bool changed = force;
  for (auto& [name, tag] : tags_) {
    if (!force && tag->live.unpublished() == 0 && tag->version) continue;
    tag->version = tag->live.Publish(day);
    changed = true;
  }
  if (!changed) return;
  published_day_ = day;
  auto live = std::make_shared<LiveVersions>();
  live->generation = ++live_generation_;
  for (auto& [name, tag] : tags_) live->versions.emplace(name, tag->version);
  store_->SetLiveVersions(std::move(live));
  std::lock_guard l(mu_);
  ++stats_.publishes;
  uint64_t memory = 0;
  for (auto& [name, tag] : tags_) memory += tag->state.memory_bytes();
  stats_.memory_bytes = memory;
}

}  // namespace tagloop
