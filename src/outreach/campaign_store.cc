#include "outreach/campaign_store.h"

#include <fmt/format.h>

#include <random>

namespace tagloop::outreach {

namespace {

constexpr const char* kStateNames[] = {"draft",   "pending_approval", "rejected",  "scheduled",
                                       "running", "paused",           "cancelled", "done"};

constexpr const char* kColumns =
    "SELECT id, definition_json, state, paused_from, version, submitted_by, approved_by, created_by, created_ms, "
    "updated_by, updated_ms FROM campaigns";

Status CampaignNotFound(std::string_view name) {
  return Status::NotFound(fmt::format("no campaign '{}'", name))
      .With(ErrorReason::kNotFound, {{"kind", "campaign"}, {"name", std::string(name)}});
}

Status BadTransition(std::string_view action, const CampaignRecord& r) {
  const char* state = CampaignStateName(r.state);
  return Status::FailedPrecondition(
             fmt::format("cannot {} campaign '{}': it is {}", action, r.definition.name, state))
      .With(ErrorReason::kBadTransition, {{"action", std::string(action)}, {"state", state}});
}

std::string NewCampaignId() {
  std::random_device rd;
  const uint64_t x = (uint64_t{rd()} << 32) ^ rd();
  return fmt::format("c{:016x}", x);
}

Result<std::optional<std::string>> OptionalText(const Statement& q, int column) {
  if (q.IsNull(column)) return std::optional<std::string>();
  return std::optional<std::string>(q.Text(column));
}

}  // namespace

const char* CampaignStateName(CampaignState s) { return kStateNames[static_cast<int>(s)]; }

Result<CampaignState> ParseCampaignState(std::string_view text) {
  for (int i = 0; i < static_cast<int>(std::size(kStateNames)); ++i) {
    if (text == kStateNames[i]) return static_cast<CampaignState>(i);
  }
  return Status::InvalidArgument(fmt::format("unknown campaign state '{}'", text));
}

Json CampaignRecord::ToJson() const {
  Json j = definition.ToJson();
  j["id"] = id;
  j["state"] = CampaignStateName(state);
  if (paused_from) j["paused_from"] = CampaignStateName(*paused_from);
  j["version"] = version;
  if (!submitted_by.empty()) j["submitted_by"] = submitted_by;
  if (!approved_by.empty()) j["approved_by"] = approved_by;
  j["created_by"] = created_by;
  j["created_ms"] = created_ms;
  j["updated_by"] = updated_by;
  j["updated_ms"] = updated_ms;
  j["segments"] = {{"treatment", definition.TreatmentSegment()}, {"control", definition.ControlSegment()}};
  return j;
}

Result<std::unique_ptr<CampaignStore>> CampaignStore::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<CampaignStore>(new CampaignStore(std::move(db), clock));
}

Result<CampaignRecord> CampaignStore::ReadLocked(std::string_view column, std::string_view value) {
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(column == "id" ? fmt::format("{} WHERE id = ?1", kColumns)
                                                                    : fmt::format("{} WHERE name = ?1", kColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, value).Step());
  if (!row) return CampaignNotFound(value);
  CampaignRecord r;
  r.id = q.Text(0);
  const auto corrupt = [&](const Status& s) {
    return Status::Corruption(fmt::format("campaign {}: stored {}", r.id, s.message()));
  };
  Json def = Json::parse(q.Text(1), nullptr, false);
  Result<Campaign> c = Campaign::FromJson(def);
  if (!c.ok()) return corrupt(c.status());
  r.definition = std::move(*c);
  Result<CampaignState> state = ParseCampaignState(q.Text(2));
  if (!state.ok()) return corrupt(state.status());
  r.state = *state;
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> paused_from, OptionalText(q, 3));
  if (paused_from) {
    Result<CampaignState> from = ParseCampaignState(*paused_from);
    if (!from.ok()) return corrupt(from.status());
    r.paused_from = *from;
  }
  r.version = q.Int(4);
  r.submitted_by = q.IsNull(5) ? "" : q.Text(5);
  r.approved_by = q.IsNull(6) ? "" : q.Text(6);
  r.created_by = q.Text(7);
  r.created_ms = q.Int(8);
  r.updated_by = q.Text(9);
  r.updated_ms = q.Int(10);
  return r;
}

Status CampaignStore::AddTransition(const CampaignRecord& before, CampaignState to, std::string_view action,
                                    const Actor& actor, std::string_view comment, int64_t now) {
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q,
      db_->Prepare("INSERT INTO campaign_transitions (campaign_id, seq, from_state, to_state, action, who, at_ms, "
                   "comment) SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 FROM campaign_transitions "
                   "WHERE campaign_id = ?1"));
  return q.Bind(1, before.id)
      .Bind(2, CampaignStateName(before.state))
      .Bind(3, CampaignStateName(to))
      .Bind(4, action)
      .Bind(5, actor.name)
      .Bind(6, now)
      .Bind(7, comment)
      .Run();
}

Status CampaignStore::WriteState(const CampaignRecord& r) {
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare("UPDATE campaigns SET state = ?2, paused_from = ?3, version = ?4, definition_json = "
                                "?5, theme = ?6, submitted_by = ?7, approved_by = ?8, updated_by = ?9, updated_ms = "
                                "?10 WHERE id = ?1"));
  q.Bind(1, r.id).Bind(2, CampaignStateName(r.state)).Bind(4, r.version).Bind(5, r.definition.ToJson().dump());
  q.Bind(6, r.definition.theme).Bind(9, r.updated_by).Bind(10, r.updated_ms);
  if (r.paused_from) {
    q.Bind(3, CampaignStateName(*r.paused_from));
  } else {
    q.BindNull(3);
  }
  if (r.submitted_by.empty()) {
    q.BindNull(7);
  } else {
    q.Bind(7, r.submitted_by);
  }
  if (r.approved_by.empty()) {
    q.BindNull(8);
  } else {
    q.Bind(8, r.approved_by);
  }
  return q.Run();
}

Result<CampaignRecord> CampaignStore::Create(const Campaign& campaign, const Actor& actor) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  Result<CampaignRecord> existing = ReadLocked("name", campaign.name);
  if (existing.ok()) {
    return Status::AlreadyExists(fmt::format("campaign '{}' already exists", campaign.name))
        .With(ErrorReason::kAlreadyExists, {{"kind", "campaign"}, {"name", campaign.name}});
  }
  if (existing.status().code() != Status::Code::kNotFound) return existing.status();
  CampaignRecord r;
  r.id = NewCampaignId();
  r.definition = campaign;
  r.created_by = r.updated_by = actor.name;
  r.created_ms = r.updated_ms = clock_->NowUnixMillis();
  const std::string def = campaign.ToJson().dump();
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare("INSERT INTO campaigns (id, name, state, version, definition_json, theme, created_by, "
                                "created_ms, updated_by, updated_ms) VALUES (?1, ?2, 'draft', 1, ?3, ?4, ?5, ?6, ?5, ?6)"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, r.id)
                              .Bind(2, campaign.name)
                              .Bind(3, def)
                              .Bind(4, campaign.theme)
                              .Bind(5, actor.name)
                              .Bind(6, r.created_ms)
                              .Run());
  TAGLOOP_ASSIGN_OR_RETURN(Statement v, db_->Prepare("INSERT INTO campaign_versions (campaign_id, version, "
                                                     "definition_json, changed_by, changed_ms) VALUES (?1, 1, ?2, ?3, ?4)"));
  TAGLOOP_RETURN_IF_ERROR(v.Bind(1, r.id).Bind(2, def).Bind(3, actor.name).Bind(4, r.created_ms).Run());
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<CampaignRecord> CampaignStore::Update(std::string_view id, const Campaign& campaign, const Actor& actor) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord r, ReadLocked("id", id));
  if (campaign.name != r.definition.name) {
    return BadField("name", fmt::format("a campaign cannot be renamed ('{}')", r.definition.name));
  }
  // A running (or paused) journey takes a new version at once from an
  // admin (the approver): users inside finish on theirs.
  const bool live_journey = (r.state == CampaignState::kRunning || r.state == CampaignState::kPaused) &&
                            r.definition.IsJourney() && campaign.IsJourney();
  if (live_journey && !actor.admin) {
    return Status::PermissionDenied(fmt::format(
        "journey '{}' is {}: only an admin (an approver) may change it while it runs; pause it and ask one",
        r.definition.name, CampaignStateName(r.state)));
  }
  switch (r.state) {
    case CampaignState::kDraft:
    case CampaignState::kPendingApproval:
    case CampaignState::kRejected:
    case CampaignState::kScheduled:
      break;
    default:
      if (!live_journey) return BadTransition("edit", r);
  }
  const CampaignRecord before = r;
  const int64_t now = clock_->NowUnixMillis();
  r.definition = campaign;
  r.version += 1;
  r.updated_by = actor.name;
  r.updated_ms = now;
  if (live_journey) {
    TAGLOOP_RETURN_IF_ERROR(AddTransition(before, r.state, "edit", actor, fmt::format("version {}", r.version), now));
  } else if (r.state != CampaignState::kDraft) {
    r.state = CampaignState::kDraft;  // a submitted campaign goes back to draft
    r.submitted_by.clear();
    r.approved_by.clear();
    TAGLOOP_RETURN_IF_ERROR(AddTransition(before, CampaignState::kDraft, "edit", actor, "", now));
  }
  TAGLOOP_RETURN_IF_ERROR(WriteState(r));
  TAGLOOP_ASSIGN_OR_RETURN(Statement v, db_->Prepare("INSERT INTO campaign_versions (campaign_id, version, "
                                                     "definition_json, changed_by, changed_ms) VALUES (?1, ?2, ?3, ?4, ?5)"));
  TAGLOOP_RETURN_IF_ERROR(
      v.Bind(1, r.id).Bind(2, r.version).Bind(3, campaign.ToJson().dump()).Bind(4, actor.name).Bind(5, now).Run());
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<CampaignRecord> CampaignStore::Get(std::string_view id) {
  std::lock_guard lock(mu_);
  return ReadLocked("id", id);
}

Result<CampaignRecord> CampaignStore::GetByName(std::string_view name) {
  std::lock_guard lock(mu_);
  return ReadLocked("name", name);
}

Result<std::vector<CampaignRecord>> CampaignStore::ReadAllLocked(Statement& ids_query) {
  std::vector<std::string> ids;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, ids_query.Step());
    if (!row) break;
    ids.push_back(ids_query.Text(0));
  }
  std::vector<CampaignRecord> out;
  for (const std::string& id : ids) {
    TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord r, ReadLocked("id", id));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<CampaignRecord>> CampaignStore::List() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT id FROM campaigns ORDER BY name"));
  return ReadAllLocked(q);
}

Result<std::vector<CampaignRecord>> CampaignStore::ActiveWithTheme(std::string_view theme, std::string_view except_id) {
  std::lock_guard lock(mu_);
  if (theme.empty()) return std::vector<CampaignRecord>();
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT id FROM campaigns WHERE theme = ?1 AND state IN "
                                                     "('running', 'paused') AND id != ?2 ORDER BY name"));
  q.Bind(1, theme).Bind(2, except_id);
  return ReadAllLocked(q);
}

Result<CampaignRecord> CampaignStore::Move(std::string_view id, Action action, const Actor& actor,
                                           std::string_view comment) {
  static constexpr const char* kActionNames[] = {"submit", "approve", "reject", "pause",
                                                 "resume", "cancel",  "start",  "finish", "reopen"};
  const char* name = kActionNames[static_cast<int>(action)];
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord r, ReadLocked("id", id));
  const int64_t now = clock_->NowUnixMillis();
  const CampaignState s = r.state;
  std::optional<CampaignState> to;
  switch (action) {
    case Action::kSubmit:
      if (s == CampaignState::kDraft || s == CampaignState::kRejected) to = CampaignState::kPendingApproval;
      break;
    case Action::kApprove:
      if (s != CampaignState::kPendingApproval) break;
      if (!actor.admin) {
        return Status::PermissionDenied(fmt::format("only an admin may approve campaign '{}'; '{}' is not one",
                                                    r.definition.name, actor.name))
            .With(ErrorReason::kApproverNotAdmin, {{"principal", actor.name}});
      }
      if (actor.name == r.submitted_by) {
        return Status::PermissionDenied(fmt::format("'{}' submitted campaign '{}' and cannot approve it too",
                                                    actor.name, r.definition.name))
            .With(ErrorReason::kSelfApproval, {{"principal", actor.name}});
      }
      to = r.definition.schedule_at_ms && *r.definition.schedule_at_ms > now ? CampaignState::kScheduled
                                                                             : CampaignState::kRunning;
      break;
    case Action::kReject:
      if (s == CampaignState::kPendingApproval || s == CampaignState::kScheduled) to = CampaignState::kRejected;
      break;
    case Action::kPause:
      if (s == CampaignState::kScheduled || s == CampaignState::kRunning) to = CampaignState::kPaused;
      break;
    case Action::kResume:
      if (s == CampaignState::kPaused) to = r.paused_from.value_or(CampaignState::kRunning);
      break;
    case Action::kCancel:
      if (s != CampaignState::kDone && s != CampaignState::kCancelled) to = CampaignState::kCancelled;
      break;
    case Action::kStart:
      if (s == CampaignState::kScheduled) to = CampaignState::kRunning;
      break;
    case Action::kFinish:
      if (s == CampaignState::kRunning) to = CampaignState::kDone;
      break;
    case Action::kReopen:
      if (s == CampaignState::kDone) to = CampaignState::kRunning;
      break;
  }
  if (!to) return BadTransition(name, r);
  const CampaignRecord before = r;
  r.paused_from = *to == CampaignState::kPaused ? std::optional<CampaignState>(s) : std::nullopt;
  if (action == Action::kSubmit) {
    r.submitted_by = actor.name;
    r.approved_by.clear();
  }
  if (action == Action::kApprove) r.approved_by = actor.name;
  r.state = *to;
  r.updated_by = actor.name;
  r.updated_ms = now;
  TAGLOOP_RETURN_IF_ERROR(WriteState(r));
  TAGLOOP_RETURN_IF_ERROR(AddTransition(before, *to, name, actor, comment, now));
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return r;
}

Result<CampaignRecord> CampaignStore::Submit(std::string_view id, const Actor& actor, std::string_view comment) {
  return Move(id, Action::kSubmit, actor, comment);
}
Result<CampaignRecord> CampaignStore::Approve(std::string_view id, const Actor& actor, std::string_view comment) {
  return Move(id, Action::kApprove, actor, comment);
}
Result<CampaignRecord> CampaignStore::Reject(std::string_view id, const Actor& actor, std::string_view reason) {
  if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return BadField("reason", "a rejection needs a reason");
  }
  return Move(id, Action::kReject, actor, reason);
}
Result<CampaignRecord> CampaignStore::Pause(std::string_view id, const Actor& actor, std::string_view comment) {
  return Move(id, Action::kPause, actor, comment);
}
Result<CampaignRecord> CampaignStore::Resume(std::string_view id, const Actor& actor, std::string_view comment) {
  return Move(id, Action::kResume, actor, comment);
}
Result<CampaignRecord> CampaignStore::Cancel(std::string_view id, const Actor& actor, std::string_view comment) {
  return Move(id, Action::kCancel, actor, comment);
}
Result<CampaignRecord> CampaignStore::Start(std::string_view id, const Actor& actor) {
  return Move(id, Action::kStart, actor, "");
}
Result<CampaignRecord> CampaignStore::Finish(std::string_view id, const Actor& actor) {
  return Move(id, Action::kFinish, actor, "");
}
Result<CampaignRecord> CampaignStore::Reopen(std::string_view id, const Actor& actor, std::string_view comment) {
  return Move(id, Action::kReopen, actor, comment);
}

Result<std::vector<CampaignTransition>> CampaignStore::Transitions(std::string_view id) {
  std::lock_guard lock(mu_);
  TAGLOOP_RETURN_IF_ERROR(ReadLocked("id", id).status());
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT seq, from_state, to_state, action, who, at_ms, comment "
                                                     "FROM campaign_transitions WHERE campaign_id = ?1 ORDER BY seq"));
  q.Bind(1, id);
  std::vector<CampaignTransition> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    CampaignTransition t;
    t.seq = q.Int(0);
    TAGLOOP_ASSIGN_OR_RETURN(t.from, ParseCampaignState(q.Text(1)));
    TAGLOOP_ASSIGN_OR_RETURN(t.to, ParseCampaignState(q.Text(2)));
    t.action = q.Text(3);
    t.who = q.Text(4);
    t.at_ms = q.Int(5);
    t.comment = q.Text(6);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<std::pair<int64_t, Campaign>>> CampaignStore::Versions(std::string_view id) {
  std::lock_guard lock(mu_);
  TAGLOOP_RETURN_IF_ERROR(ReadLocked("id", id).status());
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT version, definition_json FROM campaign_versions WHERE "
                                                     "campaign_id = ?1 ORDER BY version"));
  q.Bind(1, id);
  std::vector<std::pair<int64_t, Campaign>> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Result<Campaign> c = Campaign::FromJson(Json::parse(q.Text(1), nullptr, false));
    if (!c.ok()) return Status::Corruption(fmt::format("campaign {} version {}: {}", id, q.Int(0), c.status().message()));
    out.emplace_back(q.Int(0), std::move(*c));
  }
  return out;
}

Result<int64_t> CampaignStore::RecordRun(std::string_view id, const CampaignRun& run) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_RETURN_IF_ERROR(ReadLocked("id", id).status());
  TAGLOOP_ASSIGN_OR_RETURN(Statement n,
                           db_->Prepare("SELECT coalesce(max(run) + 1, 0) FROM campaign_runs WHERE campaign_id = ?1"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, n.Bind(1, id).Step());
  const int64_t number = row ? n.Int(0) : 0;
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare("INSERT INTO campaign_runs (campaign_id, run, started_ms, policy_version, funnel_json, "
                                "treatment_segment, control_segment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, id)
                              .Bind(2, number)
                              .Bind(3, run.started_ms)
                              .Bind(4, run.policy_version)
                              .Bind(5, run.funnel.ToJson().dump())
                              .Bind(6, run.treatment_segment)
                              .Bind(7, run.control_segment)
                              .Run());
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return number;
}

Status CampaignStore::UpdateRunFunnel(std::string_view id, int64_t run, const Funnel& funnel) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db_->Prepare("UPDATE campaign_runs SET funnel_json = ?3 WHERE campaign_id = ?1 AND run = ?2"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, id).Bind(2, run).Bind(3, funnel.ToJson().dump()).Run());
  if (db_->Changes() == 0) return CampaignNotFound(fmt::format("{} run {}", id, run));
  return Status::Ok();
}

Result<std::vector<CampaignRun>> CampaignStore::Runs(std::string_view id) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT run, started_ms, policy_version, funnel_json, "
                                                     "treatment_segment, control_segment FROM campaign_runs WHERE "
                                                     "campaign_id = ?1 ORDER BY run"));
  q.Bind(1, id);
  std::vector<CampaignRun> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    CampaignRun r;
    r.run = q.Int(0);
    r.started_ms = q.Int(1);
    r.policy_version = q.Int(2);
    Result<Funnel> f = Funnel::FromJson(Json::parse(q.Text(3), nullptr, false));
    if (!f.ok()) return Status::Corruption(fmt::format("campaign {} run {}: {}", id, r.run, f.status().message()));
    r.funnel = std::move(*f);
    r.treatment_segment = q.Text(4);
    r.control_segment = q.Text(5);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tagloop::outreach
