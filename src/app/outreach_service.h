// OutreachService: the outreach side of a workspace (docs/outreach.md) —
// channels, the suppression policy and campaigns in the catalog database,
// the touch history, the dispatcher, and the runner that moves campaigns
// along their lifecycle:
//   - approve (no future schedule) or the schedule's time: plan — the
//     audience on the current store, suppression by reason, the control
//     split — freeze treatment and control as saved segments, record the
//     run, create its ledger and dispatch;
//   - a restart resumes every running campaign from its frozen plan and
//     ledger (nothing acknowledged is sent again; the contract's delivery
//     guarantee), a campaign approved but killed before planning is planned;
//   - pause, resume and cancel reach the dispatch; quiet hours in `defer`
//     mode hold a marketing campaign's dispatch until the window ends;
//   - every committed send becomes a `message_sent` event (and a coupon
//     channel's `coupon_issued`) in the event log, fed to the real-time
//     engine, and a touch in the history the frequency caps count;
//   - a campaign whose every recipient has an outcome is done.
// The API handlers (server/api/outreach) call the operations below; the
// role checks are theirs, the state checks the CampaignStore's.
//
// Thread-safety: every member may be called from any thread once Open
// returned; Start/Stop from one thread.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/journey_runner.h"
#include "app/send_renderer.h"
#include "events/event_log.h"
#include "events/event_types.h"
#include "outreach/campaign_store.h"
#include "outreach/channel_store.h"
#include "outreach/dispatcher.h"
#include "outreach/ledger.h"
#include "outreach/planner.h"
#include "outreach/policy_store.h"
#include "outreach/receipts.h"
#include "outreach/touch_history.h"
#include "produce/realtime_engine.h"
#include "segment/saved_segments.h"
#include "source/source_registry.h"
#include "store/tag_store.h"

namespace tagloop {

struct OutreachParts {
  std::string data_dir;
  TagStore* store = nullptr;
  SavedSegments* segments = nullptr;
  SourceRegistry* sources = nullptr;
  events::EventTypeRegistry* event_types = nullptr;
  events::EventLog* event_log = nullptr;  // null: sends write no events
  RealtimeEngine* realtime = nullptr;     // null: events are not fed to real-time tags
};

struct OutreachOptions {
  // The business calendar (quiet hours, the plan's date). Static.
  int utc_offset_minutes = 480;
  // How often the runner looks at schedules, finished dispatches and quiet
  // hours. Static.
  int64_t tick_ms = 250;
  outreach::DispatchOptions dispatch;
  WallClock* clock = WallClock::Default();
};

// Live progress of a campaign's run: the dispatch's counters when it runs
// here, else the ledger's.
struct CampaignProgress {
  int64_t run = -1;  // -1: never planned
  uint64_t planned = 0, sent = 0, failed = 0, dead = 0, pending = 0, waiting_retry = 0;
  std::map<std::string, uint64_t> suppressed_at_send;  // reason -> users
  bool dispatching = false;
  bool held_by_quiet_hours = false;
};

struct RecipientRow {
  uint32_t dense = 0;  // the cursor
  std::string user_id;
  std::string state;  // outreach::DeliveryStateName
  int attempts = 0;
  std::string message_id;
  std::string detail;  // the gateway id, error or suppression reason
  int64_t time_ms = 0;
};

// What RecordReceipts made of a request's receipts.
struct ReceiptsRecorded {
  size_t recorded = 0;               // new events
  size_t repeated = 0;               // receipts the event log already had
  std::vector<std::string> unknown;  // message ids of no campaign of the channel
};

class OutreachService {
 public:
  static Result<std::unique_ptr<OutreachService>> Open(const OutreachParts& parts, const OutreachOptions& options);
  ~OutreachService();
  OutreachService(const OutreachService&) = delete;
  OutreachService& operator=(const OutreachService&) = delete;

  // Rebuilds the touch history from the ledgers and starts the runner
  // (resumes running campaigns). Stop() is idempotent:
  // stops dispatching (batches in flight are committed) and flushes the
  // touch history.
  Status Start();
  void Stop();

  outreach::ChannelStore& channels() { return *channels_; }
  outreach::PolicyStore& policies() { return *policies_; }
  outreach::CampaignStore& campaigns() { return *campaigns_; }
  outreach::TouchHistory& touches() { return *touches_; }
  // The journeys (campaigns with an `entry`): counts, users, test runs, migration.
  JourneyRunner& journeys() { return *journeys_; }

  // Checks a definition against the workspace: the channel exists, the
  // content's fields are tags or builtins, the audience binds (with the
  // caller's tag access), the goal event type is registered, the policy
  // overrides' expressions bind. InvalidArgument naming the field.
  Status CheckCampaign(const outreach::Campaign& campaign, const SegmentQueryOptions& query);
  // A journey's part of CheckCampaign: the cron, event types and `where`s,
  // each send step's channel and content, each branch's condition (this
  // journey's step populations may be named). bad_field naming the step.
  Status CheckJourney(const outreach::Campaign& campaign, const SegmentQueryOptions& query);

  // The lifecycle moves that touch more than the store; each wakes the runner.
  Result<outreach::CampaignRecord> Approve(std::string_view id, const outreach::Actor& actor, std::string_view comment);
  Result<outreach::CampaignRecord> Move(std::string_view id, std::string_view action, const outreach::Actor& actor,
                                        std::string_view comment);

  // The plan as it would be made now, nothing frozen (the approver's look).
  Result<outreach::CampaignPlan> Estimate(const outreach::CampaignRecord& record, const SegmentQueryOptions& query);
  // The content rendered for `user_ids` (external ids; empty: three members
  // of the audience). NotFound for an unknown id.
  Result<std::vector<outreach::RenderResult>> Preview(const outreach::CampaignRecord& record,
                                                      const std::vector<std::string>& user_ids,
                                                      const SegmentQueryOptions& query);
  CampaignProgress Progress(const outreach::CampaignRecord& record);
  // Ledger rows of the latest run, by dense id from `cursor` (exclusive),
  // filtered by state ("" = any), at most `limit`; *next = the cursor to
  // continue with, or -1 at the end.
  Result<std::vector<RecipientRow>> Recipients(const outreach::CampaignRecord& record, std::string_view state,
                                               size_t limit, int64_t cursor, int64_t* next);
  // Puts the latest run's dead letters back in the queue (same message
  // ids); a done campaign runs again. Returns how many.
  Result<size_t> RetryDeadLetters(std::string_view id, const outreach::Actor& actor);
  // One message now, outside every campaign and cap, to `user_id` (its
  // address read like a campaign's). Returns the outcome and message id.
  Result<std::pair<outreach::SendOutcome, std::string>> TestSend(std::string_view channel, std::string_view user_id,
                                                                 const nlohmann::json& content);
  // A gateway's receipts for `channel`'s messages (outreach/receipts.h) become
  // message_delivered / message_clicked / message_bounced events of the
  // campaign and user each message id names (the channel's campaigns, the
  // latest run first; a repeated receipt is dropped by its event id).
  // NotFound when there is no such channel.
  Result<ReceiptsRecorded> RecordReceipts(std::string_view channel,
                                          const std::vector<outreach::Receipt>& receipts);
  // The contract's effect of the latest run (insight/effect); a journey's
  // over all its entries (JourneyEffect).
  Result<nlohmann::json> Effect(const outreach::CampaignRecord& record);
  Result<nlohmann::json> JourneyEffect(const outreach::CampaignRecord& record);

  // The path of a run's ledger.
  std::string LedgerPath(std::string_view campaign_id, int64_t run) const;

 private:
  struct Running;
  using CampaignRecord = outreach::CampaignRecord;
  OutreachService() = default;
  void Loop();
  void Tick();
  Status RebuildTouches();
  Status StartRun(const outreach::CampaignRecord& record);
  Status ResumeRun(const outreach::CampaignRecord& record, const outreach::CampaignRun& run);
  Status Dispatch(const outreach::CampaignRecord& record, const outreach::CampaignRun& run, Bitmap plan);
  // A ledger of a run not dispatching in this process.
  Result<std::unique_ptr<outreach::Ledger>> OpenIdleLedger(std::string_view id, int64_t run);
  // Writes sends as message_sent (and coupon_issued) events and, unless
  // replaying, as touches.
  void OnCommitted(const std::string& campaign_id, const std::string& channel, bool coupon,
                   const std::vector<outreach::CommittedSend>& sent, bool record_touches,
                   const std::string& step = "send");
  // The journeys' sends since `since` into the touch history being rebuilt.
  Status ReplayJourneyTouches(const CampaignRecord& record, int64_t since, outreach::TouchHistory& history);
  // Appends events to the log and hands the new ones to the real-time engine.
  Result<events::AppendResult> AppendEvents(std::vector<events::Event> batch);
  struct MessageIndex;
  // The message ids of a campaign's latest run (a journey's ledger), built
  // once and kept (a few); `refresh`: a journey's again if its ledger grew.
  Result<std::shared_ptr<const MessageIndex>> MessageIndexOf(const outreach::CampaignRecord& record, bool refresh);
  Result<outreach::SuppressionPolicy> PolicyFor(const outreach::Campaign& campaign);
  SegmentQueryOptions TodayQuery() const;
  Result<Bitmap> FrozenMembers(const std::string& segment);
  void Wake();

  OutreachParts parts_;
  OutreachOptions options_;
  std::unique_ptr<outreach::ChannelStore> channels_;
  std::unique_ptr<outreach::PolicyStore> policies_;
  std::unique_ptr<outreach::CampaignStore> campaigns_;
  std::unique_ptr<outreach::TouchHistory> touches_;
  std::unique_ptr<outreach::Dispatcher> dispatcher_;
  std::unique_ptr<JourneyRunner> journeys_;

  std::mutex mu_;  // guards what follows
  std::map<std::string, std::unique_ptr<Running>> running_;  // by campaign id
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread loop_;
  std::mutex plan_mu_;  // one planning at a time (approval vs. the runner)
  std::mutex index_mu_;  // guards what follows
  std::map<std::string, std::shared_ptr<const MessageIndex>> message_indexes_;  // by "campaign id/run"
  std::vector<std::string> message_index_order_;  // oldest first
};

// A run dispatching in this process. Destroying it cancels the dispatch and
// waits for the batch in flight (the job reads the ledger and renderer).
struct OutreachService::Running {
  outreach::CampaignRecord record;
  int64_t run = 0;
  uint64_t planned = 0;
  outreach::SuppressionPolicy policy;
  std::unique_ptr<outreach::Ledger> ledger;
  std::shared_ptr<outreach::Channel> channel;
  std::unique_ptr<SendRenderer> renderer;
  std::shared_ptr<outreach::DispatchHandle> handle;
  bool held = false;        // the handle is paused
  bool held_quiet = false;  // ... because of quiet hours

  ~Running() {
    if (handle) {
      handle->Cancel();
      (void)handle->Wait();
    }
  }
};

}  // namespace tagloop
