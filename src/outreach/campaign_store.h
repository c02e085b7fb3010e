// CampaignStore: campaigns in the catalog database (tables campaigns,
// campaign_versions, campaign_transitions, campaign_runs) and their
// lifecycle (docs/outreach.md "Lifecycle"):
//
//   draft --submit--> pending_approval --approve--> scheduled (a future
//   schedule.at) | running;  pending_approval --reject--> rejected;
//   rejected --submit--> pending_approval;  scheduled --start--> running;
//   scheduled | running --pause--> paused --resume--> the state it left;
//   any state but done and cancelled --cancel--> cancelled;
//   scheduled --reject--> rejected (approval revoked before the send);
//   running --finish--> done;  done --reopen--> running (dead letters retried).
// Editing (Update) a pending_approval, rejected or scheduled campaign
// returns it to draft (a new definition version); running, paused, done and
// cancelled campaigns cannot be edited.
//
// Each change is one IMMEDIATE SQLite transaction that reads the state,
// checks the move and writes the new state and a campaign_transitions row
// (from, to, action, who, when, comment), so concurrent callers (threads or
// processes) never both pass the same check. Refusals:
//   FailedPrecondition + reason bad_transition {action, state} naming the
//     current state ("cannot approve campaign 'x': it is draft");
//   PermissionDenied + approver_not_admin {principal} or
//     self_approval {principal} for approvals;
//   NotFound + not_found {kind: campaign, name}.
// Role checks for the other actions are the API's; the store records who.
//
// Thread-safety: one connection guarded by a mutex; several processes may
// share the database.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"
#include "outreach/campaign.h"
#include "outreach/planner.h"

namespace tagloop::outreach {

enum class CampaignState : uint8_t {
  kDraft,
  kPendingApproval,
  kRejected,
  kScheduled,
  kRunning,
  kPaused,
  kCancelled,
  kDone,
};
const char* CampaignStateName(CampaignState s);
Result<CampaignState> ParseCampaignState(std::string_view text);

// Who acts: the principal's name and whether it holds the admin role.
struct Actor {
  std::string name;
  bool admin = false;
};

struct CampaignRecord {
  std::string id;  // "c" + 16 hex digits, fixed at creation
  Campaign definition;
  CampaignState state = CampaignState::kDraft;
  std::optional<CampaignState> paused_from;  // when paused
  int64_t version = 1;                       // definition version
  std::string submitted_by, approved_by;     // "" when none
  std::string created_by, updated_by;
  int64_t created_ms = 0, updated_ms = 0;

  // {"id", "state", "version", ..., "definition": {...}} for answers.
  Json ToJson() const;
};

struct CampaignTransition {
  int64_t seq = 0;
  CampaignState from = CampaignState::kDraft, to = CampaignState::kDraft;
  std::string action, who, comment;
  int64_t at_ms = 0;
};

struct CampaignRun {
  int64_t run = 0;
  int64_t started_ms = 0;
  int64_t policy_version = 0;
  Funnel funnel;
  std::string treatment_segment, control_segment;
};

class CampaignStore {
 public:
  [[nodiscard]] static Result<std::unique_ptr<CampaignStore>> Open(const std::string& dir,
                                                                   WallClock* clock = WallClock::Default());

  // A new draft. AlreadyExists (already_exists {kind: campaign, name}) when
  // the name is taken.
  [[nodiscard]] Result<CampaignRecord> Create(const Campaign& campaign, const Actor& actor);
  // A new definition version (the name cannot change: bad_field name).
  // Returns a submitted or scheduled campaign to draft (see the top).
  [[nodiscard]] Result<CampaignRecord> Update(std::string_view id, const Campaign& campaign, const Actor& actor);

  [[nodiscard]] Result<CampaignRecord> Get(std::string_view id);
  [[nodiscard]] Result<CampaignRecord> GetByName(std::string_view name);
  // Every campaign by name.
  [[nodiscard]] Result<std::vector<CampaignRecord>> List();
  // Running and paused campaigns of `theme` (dedup), except `except_id`.
  [[nodiscard]] Result<std::vector<CampaignRecord>> ActiveWithTheme(std::string_view theme,
                                                                    std::string_view except_id = "");

  // The lifecycle (see the top); each returns the campaign after the move.
  [[nodiscard]] Result<CampaignRecord> Submit(std::string_view id, const Actor& actor, std::string_view comment = "");
  [[nodiscard]] Result<CampaignRecord> Approve(std::string_view id, const Actor& actor, std::string_view comment = "");
  // `reason` is required (bad_field reason when blank).
  [[nodiscard]] Result<CampaignRecord> Reject(std::string_view id, const Actor& actor, std::string_view reason);
  [[nodiscard]] Result<CampaignRecord> Pause(std::string_view id, const Actor& actor, std::string_view comment = "");
  [[nodiscard]] Result<CampaignRecord> Resume(std::string_view id, const Actor& actor, std::string_view comment = "");
  [[nodiscard]] Result<CampaignRecord> Cancel(std::string_view id, const Actor& actor, std::string_view comment = "");
  // The scheduler: scheduled -> running when schedule.at has come.
  [[nodiscard]] Result<CampaignRecord> Start(std::string_view id, const Actor& actor);
  // The dispatcher: running -> done when every recipient has an outcome.
  [[nodiscard]] Result<CampaignRecord> Finish(std::string_view id, const Actor& actor);
  // An operator's retry of dead letters: done -> running until they have an outcome.
  [[nodiscard]] Result<CampaignRecord> Reopen(std::string_view id, const Actor& actor, std::string_view comment);

  // Every transition, oldest first.
  [[nodiscard]] Result<std::vector<CampaignTransition>> Transitions(std::string_view id);
  // Every definition version, oldest first (version, definition).
  [[nodiscard]] Result<std::vector<std::pair<int64_t, Campaign>>> Versions(std::string_view id);

  // Records a planning of the campaign (run number: the next one, from 0).
  [[nodiscard]] Result<int64_t> RecordRun(std::string_view id, const CampaignRun& run);
  // Replaces a run's funnel (send-time counts as the dispatch goes).
  [[nodiscard]] Status UpdateRunFunnel(std::string_view id, int64_t run, const Funnel& funnel);
  [[nodiscard]] Result<std::vector<CampaignRun>> Runs(std::string_view id);

 private:
  enum class Action : uint8_t { kSubmit, kApprove, kReject, kPause, kResume, kCancel, kStart, kFinish, kReopen };
  CampaignStore(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  Result<CampaignRecord> Move(std::string_view id, Action action, const Actor& actor, std::string_view comment);
  Result<CampaignRecord> ReadLocked(std::string_view column, std::string_view value);
  // The campaigns whose ids `ids_query` returns (column 0), in its order.
  Result<std::vector<CampaignRecord>> ReadAllLocked(Statement& ids_query);
  Status AddTransition(const CampaignRecord& before, CampaignState to, std::string_view action, const Actor& actor,
                       std::string_view comment, int64_t now);
  Status WriteState(const CampaignRecord& r);

  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop::outreach
