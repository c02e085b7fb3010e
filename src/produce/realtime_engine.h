// RealtimeEngine: keeps real-time tags (producer `realtime`) current as
// events arrive (issue 5, "Real-time tags").
//
// Each published real-time tag has a rule (events/event_rule.h) whose state
// (events/rule_state.h) holds every user's current value, and a LiveTag
// (store/live_tag.h) holding those values as bitmaps. The ingestion path
// appends events to the durable log, then Submit()s the new ones; the
// engine's thread applies them in batches:
//   resolve user ids (new users are added to the store, in batches)
//   -> advance every rule's clock (windows expire) -> apply the events
//   -> change the live bitmaps -> publish the changed tags' versions, dated
//      the business day of now, with TagStore::SetLiveVersions
// so a count, query or profile look-up sees them within milliseconds. The
// thread also wakes every `tick` to let windows expire as time passes and
// to move the live versions to a new business day at midnight.
//
// The daily version of a real-time tag (its state at the end of each
// business day) is a normal producer run (TagProducer, kind realtime): the
// same rule evaluated over the log up to the end of that day — so as-of
// queries, backfills and repairs work like for any tag.
//
// Starting (and any change of the real-time definitions) replays the log
// into fresh rule states: the lookback of each rule (its window, or all days
// for latest/flag/first/last rules). Ingestion waits meanwhile (IngestLock),
// so no event is applied twice and none is missed.
//
// Thread-safety: all public methods may be called from any thread.
#pragma once

#include <functional>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "catalog/tag_definition.h"
#include "core/status.h"
#include "core/wall_clock.h"
#include "events/event.h"
#include "events/event_log.h"
#include "events/rule_state.h"
#include "store/live_tag.h"
#include "store/tag_store.h"

namespace tagloop {

struct RealtimeOptions {
  // The business calendar's offset from UTC (minutes); live versions are
  // dated the business day of now. Static.
  int utc_offset_minutes = 480;
  // How often windows expire and the day rolls over without events. Static.
  std::chrono::milliseconds tick{100};
  // The clock rules read "now" from (tests use a fake). Not owned. Static.
  WallClock* clock = WallClock::Default();
};

struct RealtimeStats {
  uint64_t tags = 0;               // real-time tags kept
  uint64_t events_applied = 0;     // since start (replays included)
  uint64_t events_replayed = 0;    // by the last (re)load
  uint64_t publishes = 0;          // live-version sets published
  uint64_t new_users = 0;          // users the engine added to the store
  uint64_t pending = 0;            // events submitted, not yet visible
  uint64_t memory_bytes = 0;       // rule states
  double last_replay_seconds = 0;
  std::string last_error;          // of the last batch or reload ("" = none)
};

class RealtimeEngine {
 public:
  // `store` and `log` are not owned and must outlive the engine.
  RealtimeEngine(TagStore* store, const events::EventLog* log, RealtimeOptions options);
  ~RealtimeEngine();  // Stop()

  // The real-time tags to keep: published definitions whose producer is
  // realtime (others are ignored). Takes effect on the engine's thread:
  // changed or new tags are rebuilt from the log, removed ones leave the
  // live versions. InvalidArgument (naming the tag) for a bad rule; the
  // other tags are still taken.
  Status SetDefinitions(const std::vector<TagDefinition>& definitions);

  // Replays the log and starts the thread. Returns once the live versions
  // are published.
  Status Start();
  void Stop();

  // Ingestion holds this (shared) from before its log append until after
  // Submit, so a replay (exclusive) sees each event either in the log or in
  // the queue, never both.
  std::shared_lock<std::shared_mutex> IngestLock() { return std::shared_lock(ingest_mu_); }

  // Queues events already appended to the log. `first_sequence` is the
  // log sequence of events[0] (AppendResult::first_sequence; the others
  // follow): batches whose appends finished in another order than they were
  // written are applied in log order, so ties in event time resolve as a
  // replay resolves them. 0: the next in order (callers that submit from one
  // thread). Returns a ticket for WaitVisible (the last event's sequence).
  // An empty batch is a barrier: its ticket is done once the engine's thread
  // has gone round once more (applied what was queued in order, moved the
  // clock, published).
  uint64_t Submit(std::vector<events::Event> events, uint64_t first_sequence = 0);
  // Waits until every event submitted up to `ticket` is visible in the
  // store's snapshots and no definition change is pending (so Submit({}) is
  // a barrier after SetDefinitions); false on time-out or when stopped.
  bool WaitVisible(uint64_t ticket, std::chrono::milliseconds timeout);

  RealtimeStats stats() const;

  // Called on the engine's thread with each batch of new events once it is
  // applied and visible (never for a replay), with the users' dense ids
  // (parallel to the events). Journeys enter and move users from here
  // (app/journey_runner.h); a listener must only queue the work. May be set
  // at any time; null removes it.
  using EventListener = std::function<void(const std::vector<events::Event>&, const std::vector<uint32_t>& users)>;
  void SetListener(EventListener listener);

 private:
  struct Tag;
  void Loop();
  Status Reload(bool start);                      // thread (or Start): rebuild changed tags
  // Applies new events; *users gets their dense ids.
  Status ApplyBatch(std::vector<events::Event>& events, int64_t now_ms, std::vector<uint32_t>* users);
  void Notify(const std::vector<events::Event>& events, const std::vector<uint32_t>& users);
  // Dense ids of the events' users, adding unseen users to the store. A
  // deleted user comes back with a new id when `replay` is false (a new
  // event); in a replay their logged events are skipped (kNotFound).
  Status ResolveUsers(const std::vector<events::Event>& events, bool replay, std::vector<uint32_t>* users);
  void Advance(int64_t now_ms);
  void PublishChanged(int64_t now_ms, bool force);
  void Push(Tag& tag, std::vector<events::TagValueChange>& changes);

  TagStore* store_;
  const events::EventLog* log_;
  RealtimeOptions options_;
  std::shared_mutex ingest_mu_;

  mutable std::mutex mu_;  // guards the queue, tickets, pending definitions and stats
  std::condition_variable cv_;
  std::vector<events::Event> queue_;  // in log order, ready to apply
  // Batches that arrived before an earlier one, by first sequence.
  std::map<uint64_t, std::vector<events::Event>> waiting_;
  uint64_t next_sequence_ = 1;  // of the next event queue_ takes
  uint64_t submitted_ = 0;      // highest sequence submitted
  uint64_t visible_ = 0;        // every sequence up to this is applied and published
  uint64_t passes_requested_ = 0;  // barriers (empty Submits)
  uint64_t passes_done_ = 0;
  bool stop_ = false;
  bool started_ = false;
  bool definitions_changed_ = false;
  bool reloading_ = false;
  std::map<std::string, TagDefinition, std::less<>> definitions_;  // wanted
  RealtimeStats stats_;
  std::thread thread_;
  std::mutex listener_mu_;
  EventListener listener_;  // guarded by listener_mu_

  // Engine thread only.
  std::map<std::string, std::unique_ptr<Tag>, std::less<>> tags_;
  std::unordered_map<std::string, std::vector<Tag*>> by_event_type_;
  // Users the engine added to the store after `dictionary_` was taken.
  std::shared_ptr<const Snapshot> dictionary_;
  std::unordered_map<std::string, uint32_t> newer_users_;
  Days published_day_ = 0;
  uint64_t live_generation_ = 0;
};

}  // namespace tagloop
