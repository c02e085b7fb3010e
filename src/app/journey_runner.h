// JourneyRunner: runs the journeys of a workspace (docs/outreach.md,
// "Journeys"). A journey is a campaign whose definition has an `entry`
// (outreach/journey.h); OutreachService owns the runner and hands it the
// lifecycle (approval, pause, cancel) and the events the real-time engine
// applied. The runner
//   - enters users: at each fire time of a schedule (the audience evaluated
//     anew, a run recorded with its frozen treatment and control), or when
//     an event of the entry's type is applied (milliseconds after ingestion),
//     after the re-entry rules, the cap on concurrent journeys, the global
//     control group and the journey's own control split;
//   - moves them through the steps (outreach/journey_state.h keeps where
//     everyone is, durably): waits and event waits are timers of groups,
//     branches evaluate a condition on the current store (this journey's
//     step populations live), splits hash;
//   - sends through the dispatcher with the journey's ledger
//     (DIR/outreach/<id>/journey.ledger) after the group's arrival at the
//     send step is durable, and moves the group on once every member has an
//     outcome; the policy applies at every send (send_renderer.h);
//   - takes the events logged since its last record again on start (a kill
//     between an event's ack and the journey's record loses nothing);
//   - answers the API: live counts per step, who waits where and why, a test
//     run of one user with simulated time, migration between versions.
//
// Thread-safety: every public member may be called from any thread once
// Start returned; Start/Stop from one thread. The runner's own thread does
// all the moving; the API's reads use the thread-safe JourneyState.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/send_renderer.h"
#include "events/event.h"
#include "events/event_log.h"
#include "events/event_types.h"
#include "outreach/campaign_store.h"
#include "outreach/channel_store.h"
#include "outreach/dispatcher.h"
#include "outreach/journey_state.h"
#include "outreach/policy_store.h"
#include "outreach/touch_history.h"
#include "segment/saved_segments.h"
#include "segment/segment_resolver.h"
#include "source/source_registry.h"
#include "store/tag_store.h"

namespace tagloop {

struct JourneyRunnerParts {
  std::string data_dir;
  TagStore* store = nullptr;
  SavedSegments* segments = nullptr;
  SourceRegistry* sources = nullptr;
  events::EventTypeRegistry* event_types = nullptr;
  events::EventLog* event_log = nullptr;  // null: no recovery of events after a restart
  outreach::CampaignStore* campaigns = nullptr;
  outreach::ChannelStore* channels = nullptr;
  outreach::PolicyStore* policies = nullptr;
  outreach::TouchHistory* touches = nullptr;
  outreach::Dispatcher* dispatcher = nullptr;
  WallClock* clock = WallClock::Default();
  int utc_offset_minutes = 480;
  int64_t tick_ms = 250;
  // Committed sends of a step: message_sent (and coupon_issued) events and touches.
  std::function<void(const std::string& campaign_id, const std::string& channel, bool coupon, const std::string& step,
                     const std::vector<outreach::CommittedSend>& sent)>
      on_committed;
  // Pauses a journey with a reason (the lifecycle is the service's).
  std::function<void(const std::string& campaign_id, const std::string& reason)> pause;
};

struct JourneyStepView {
  std::string name, type, segment;
  uint64_t entered = 0, inside = 0, waiting = 0, sending = 0;
  uint64_t sent = 0, failed = 0, suppressed = 0, converted = 0, exited = 0;
  std::map<std::string, uint64_t> exit_reasons;
};

struct JourneyView {
  int64_t version = 0;
  std::string entry_kind;     // "schedule" | "event"
  int64_t next_at_ms = 0;     // schedule: the next fire time (0: none)
  int64_t last_at_ms = 0;     // schedule: the last run's start
  uint64_t entered = 0, inside = 0, completed = 0, converted = 0, control = 0, exited = 0;
  std::vector<JourneyStepView> steps;
  std::map<int64_t, uint64_t> inside_by_version;
  bool active = false;  // loaded by the runner (running or paused)
};

struct JourneyUserRow {
  uint32_t dense = 0;
  std::string user_id, step, why;
  int64_t version = 0;
  uint32_t occurrence = 0;
  int64_t since_ms = 0, until_ms = 0;  // until: the step's timer (0: none)
};

struct JourneyTestEvent {
  std::string type;
  int64_t after_ms = 0;  // after the entry
  nlohmann::json properties = nlohmann::json::object();
};

struct JourneyMigration {
  std::map<std::string, uint64_t> moves, stay;
  uint64_t moved = 0;
};

struct JourneyRunnerStats {
  uint64_t events_seen = 0, entered = 0, held_out = 0, moved = 0, sends_started = 0;
  uint64_t memory_bytes = 0;  // journey states
  uint64_t waiting = 0;       // users inside all active journeys
};

class JourneyRunner : public SegmentResolver {
 public:
  explicit JourneyRunner(JourneyRunnerParts parts);
  ~JourneyRunner() override;
  JourneyRunner(const JourneyRunner&) = delete;
  JourneyRunner& operator=(const JourneyRunner&) = delete;

  Status Start();
  void Stop();
  // Looks at the lifecycle now (after an approval, pause, resume, cancel or edit).
  void Wake();
  // A batch the real-time engine applied (dense ids parallel; kNotFound
  // skipped). Only queues it.
  void OnEvents(const std::vector<events::Event>& events, const std::vector<uint32_t>& users);

  Result<JourneyView> View(const outreach::CampaignRecord& record);
  Result<std::vector<JourneyUserRow>> Users(const outreach::CampaignRecord& record, std::string_view step,
                                            size_t limit, int64_t cursor, int64_t* next);
  // One user through the current version with simulated time; nothing is
  // sent or stored. NotFound for an unknown user.
  Result<nlohmann::json> TestRun(const outreach::CampaignRecord& record, std::string_view user_id,
                                 const std::vector<JourneyTestEvent>& events, int64_t horizon_ms);
  // Users of `from_version` to the steps of the same name and type in the
  // current version (dry_run: only counts). FailedPrecondition unless the
  // journey is running or paused here.
  Result<JourneyMigration> Migrate(const outreach::CampaignRecord& record, int64_t from_version, bool dry_run);
  // The users who entered (reached the start step) and those held out at entry.
  Result<std::pair<Bitmap, Bitmap>> EnteredAndHeldOut(const outreach::CampaignRecord& record);
  JourneyRunnerStats stats() const;

  // The path of a journey's state and ledger.
  std::string StatePath(std::string_view id) const;
  std::string LedgerPath(std::string_view id) const;

  // SegmentResolver: the saved segments, with the step populations of the
  // active journeys (campaign_<name>_<step>) live.
  Result<std::string> ExpressionOf(std::string_view name) const override;
  std::vector<std::string> Names() const override;
  Result<std::optional<FrozenMembers>> MembersOf(std::string_view name, Days as_of, bool load) const override;

 private:
  struct Active;
  struct Dest;
  void Loop();
  void Sync(int64_t now);
  Status Load(const outreach::CampaignRecord& record);
  void Unload(const std::string& id, bool stopped, int64_t now);
  void Work(Active& a, int64_t now);
  Status WorkLocked(Active& a, int64_t now);
  // `replay`: events taken again after a restart.
  void TakeEvents(Active& a, const std::vector<events::Event>& events, const std::vector<uint32_t>& users,
                  int64_t now, bool replay);
  Status RecoverEvents(Active& a, int64_t now);
  Status ScheduledEntry(Active& a, int64_t now);
  Bitmap FilterEntries(Active& a, Bitmap candidates, int64_t now, std::map<std::string, uint64_t>* suppressed);
  void Forward(Active& a, uint32_t from, const Bitmap& users, int64_t version, uint32_t occurrence,
               const std::string& step, int64_t now, nlohmann::json tally);
  std::vector<Dest> Route(Active& a, int64_t version, const std::string& step, Bitmap users, uint32_t occurrence,
                          int64_t now, int depth);
  Status StartSends(Active& a, int64_t now);
  Status FinishSends(Active& a, int64_t now);
  Result<const Bitmap*> AudienceOf(Active& a, int64_t now);
  Result<const Bitmap*> ConditionOf(Active& a, const std::string& condition, int64_t now);
  void FreezeSteps(Active& a, int64_t now, bool force);
  std::shared_ptr<Active> Find(const std::string& id) const;
  // A journey's state: the runner's when active (*idle untouched), else read
  // from its file into *idle (read-only); null when it never ran.
  Result<outreach::JourneyState*> StateOf(const outreach::CampaignRecord& record,
                                          std::unique_ptr<outreach::JourneyState>* idle);
  SegmentQueryOptions Query() const;

  JourneyRunnerParts parts_;
  mutable std::mutex mu_;  // guards what follows
  std::map<std::string, std::shared_ptr<Active>> active_;  // by campaign id
  std::vector<std::pair<std::vector<events::Event>, std::vector<uint32_t>>> inbox_;
  std::condition_variable cv_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
  JourneyRunnerStats stats_;
  int64_t last_sync_ms_ = 0;
};

}  // namespace tagloop
