// JourneyRunner, the API's side: live counts per step, who waits where and
// why, a test run of one user with simulated time, and migration of users
// between versions. The runner's thread: journey_runner.cc.
#include <xxhash.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "app/journey_active.h"
#include "core/date.h"
#include "events/event_time.h"
#include "outreach/control_group.h"
#include "outreach/planner.h"
#include "produce/cron.h"
#include "segment/segment.h"
#include "store/user_dictionary.h"

namespace tagloop {

using outreach::CampaignRecord;
using outreach::CampaignState;
using outreach::JourneyStep;
using outreach::StepType;

namespace {

std::string Time(int64_t ms) { return events::FormatRfc3339Millis(ms); }

// What a group's users wait for, in words.
std::string WhyWaiting(const JourneyStep& step, const outreach::JourneyGroup& g, bool sending, bool paused,
                       bool quiet, int64_t now) {
  std::string why;
  switch (step.type) {
    case StepType::kSend:
      why = sending ? fmt::format("sending on channel '{}'", step.channel)
                    : fmt::format("waiting to be sent on channel '{}'", step.channel);
      if (quiet) why += " (held by quiet hours)";
      break;
    case StepType::kWait:
      why = fmt::format("waiting until {}", Time(g.place.wake_ms));
      break;
    case StepType::kWaitEvent:
      why = fmt::format("waiting for '{}' until {}, then {}", step.event.type, Time(g.place.wake_ms),
                        step.timeout_next.empty() ? "leaving" : "'" + step.timeout_next + "'");
      break;
    default:
      why = "waiting for the runner (the step's condition could not be evaluated)";
      break;
  }
  if (paused) why = "journey paused: " + why;
  if (!paused && g.place.wake_ms > 0 && g.place.wake_ms < now - 60'000) {
    why += fmt::format(" (due since {}: the runner is behind)", Time(g.place.wake_ms));
  }
  return why;
}

}  // namespace

Result<outreach::JourneyState*> JourneyRunner::StateOf(const CampaignRecord& record,
                                                       std::unique_ptr<outreach::JourneyState>* idle) {
  if (std::shared_ptr<Active> a = Find(record.id)) return a->state.get();  // lives as long as the runner
  if (!std::filesystem::exists(StatePath(record.id))) return nullptr;
  outreach::JourneyStateOptions read;
  read.read_only = true;
  TAGLOOP_ASSIGN_OR_RETURN(*idle, outreach::JourneyState::Open(StatePath(record.id), read));
  return idle->get();
}

Result<std::pair<Bitmap, Bitmap>> JourneyRunner::EnteredAndHeldOut(const CampaignRecord& record) {
  std::unique_ptr<outreach::JourneyState> idle;
  TAGLOOP_ASSIGN_OR_RETURN(outreach::JourneyState * state, StateOf(record, &idle));
  if (state == nullptr) return std::make_pair(Bitmap(), Bitmap());
  return std::make_pair(state->Reached(record.definition.journey->start), state->HeldOut());
}

Result<JourneyView> JourneyRunner::View(const CampaignRecord& record) {
  if (!record.definition.IsJourney()) return Status::InvalidArgument(fmt::format("'{}' is not a journey", record.definition.name));
  JourneyView v;
  v.version = record.version;
  const outreach::Journey& j = *record.definition.journey;
  v.entry_kind = j.entry.kind == outreach::JourneyEntry::Kind::kSchedule ? "schedule" : "event";
  std::shared_ptr<Active> a = Find(record.id);
  std::unique_ptr<outreach::JourneyState> idle;
  TAGLOOP_ASSIGN_OR_RETURN(outreach::JourneyState * state, StateOf(record, &idle));
  if (a) {
    v.active = true;
    std::lock_guard work(a->mu);
    v.next_at_ms = a->next_schedule_ms;
    v.last_at_ms = a->last_run_ms;
  } else if (j.entry.kind == outreach::JourneyEntry::Kind::kSchedule) {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, parts_.campaigns->Runs(record.id));
    if (!runs.empty()) v.last_at_ms = runs.back().started_ms;
  }
  std::map<std::string, outreach::StepTally> tallies;
  std::map<std::string, JourneyStepView> live;
  if (state) {
    tallies = state->Tallies();
    v.inside_by_version = state->InsideByVersion();
    for (uint32_t g : state->AllGroups()) {
      std::optional<outreach::JourneyGroup> group = state->Group(g);
      if (!group) continue;
      JourneyStepView& sv = live[group->place.step];
      const uint64_t n = group->members.cardinality();
      sv.inside += n;
      if (group->place.wake_ms > 0) sv.waiting += n;
      if (group->place.wake_ms == 0) sv.sending += n;
    }
    v.entered = state->EnteredTotal();
    v.inside = state->InsideCount();
  }
  auto fill = [&](JourneyStepView& sv) {
    const outreach::StepTally& t = tallies[sv.name];
    sv.entered = t.entered;
    sv.sent = t.sent;
    sv.failed = t.failed;
    sv.suppressed = t.suppressed;
    sv.converted = t.converted;
    sv.exited = t.exited;
    sv.exit_reasons = t.exit_reasons;
    sv.segment = fmt::format("campaign_{}_{}", record.definition.name, sv.name);
    v.converted += t.converted;
    v.exited += t.exited;
    if (auto it = t.exit_reasons.find("completed"); it != t.exit_reasons.end()) v.completed += it->second;
  };
  for (const JourneyStep& s : j.steps) {
    JourneyStepView sv = live[s.name];
    sv.name = s.name;
    sv.type = outreach::StepTypeName(s.type);
    if (s.type != StepType::kSend) sv.sending = 0;
    fill(sv);
    v.steps.push_back(std::move(sv));
  }
  // Steps only older versions have, while users are on them.
  for (auto& [name, sv] : live) {
    if (j.Find(name) != nullptr) continue;
    sv.name = name;
    sv.type = "removed";
    fill(sv);
    v.steps.push_back(std::move(sv));
  }
  v.control = tallies["control"].entered;
  return v;
}

Result<std::vector<JourneyUserRow>> JourneyRunner::Users(const CampaignRecord& record, std::string_view step,
                                                         size_t limit, int64_t cursor, int64_t* next) {
  *next = -1;
  std::shared_ptr<Active> a = Find(record.id);
  std::unique_ptr<outreach::JourneyState> idle;
  TAGLOOP_ASSIGN_OR_RETURN(outreach::JourneyState * state, StateOf(record, &idle));
  if (state == nullptr) return std::vector<JourneyUserRow>{};
  std::set<uint32_t> sending;
  bool quiet = false;
  std::map<int64_t, outreach::Campaign> versions;
  if (a) {
    std::lock_guard work(a->mu);
    for (const auto& [g, s] : a->sending) sending.insert(g);
    quiet = a->held_quiet;
    versions = a->versions;
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(auto all, parts_.campaigns->Versions(record.id));
    for (auto& [ver, def] : all) versions[ver] = std::move(def);
  }
  const bool paused = record.state == CampaignState::kPaused;
  const int64_t now = parts_.clock->NowUnixMillis();
  // Up to `limit` users after the cursor from each group, merged by dense id.
  std::vector<std::pair<uint32_t, uint32_t>> picked;  // (user, group)
  std::map<uint32_t, outreach::JourneyGroup> groups;
  for (uint32_t g : state->AllGroups()) {
    std::optional<outreach::JourneyGroup> group = state->Group(g);
    if (!group || (!step.empty() && group->place.step != step)) continue;
    roaring_uint32_iterator_t it;
    roaring_init_iterator(group->members.get(), &it);
    const bool any = cursor < 0 ? it.has_value
                                : cursor < UINT32_MAX &&
                                      roaring_move_uint32_iterator_equalorlarger(&it, static_cast<uint32_t>(cursor) + 1);
    size_t n = 0;
    for (bool ok = any && it.has_value; ok && n <= limit; ok = roaring_advance_uint32_iterator(&it), ++n) {
      picked.emplace_back(it.current_value, g);
    }
    groups.emplace(g, std::move(*group));
  }
  std::sort(picked.begin(), picked.end());
  if (picked.size() > limit) {
    picked.resize(limit);
    *next = picked.back().first;
  }
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::vector<JourneyUserRow> rows;
  for (const auto& [u, g] : picked) {
    const outreach::JourneyGroup& group = groups.at(g);
    JourneyUserRow r;
    r.dense = u;
    r.user_id = std::string(dictionary->ExternalId(u));
    r.step = group.place.step;
    r.version = group.place.version;
    r.occurrence = group.place.occurrence;
    r.since_ms = group.since_ms;
    r.until_ms = group.place.wake_ms;
    auto def = versions.find(group.place.version);
    const JourneyStep* s = def == versions.end() ? nullptr : def->second.journey->Find(group.place.step);
    r.why = s ? WhyWaiting(*s, group, sending.count(g) > 0, paused, quiet, now) : "on a step of a removed version";
    if (s && s->type == StepType::kSend && a) {
      const outreach::LedgerEntry e = a->ledger->Lookup(u, s->name, group.place.occurrence);
      if (e.state == outreach::DeliveryState::kRetry) {
        r.why += fmt::format("; retry {} at {}: {}", e.attempt, Time(e.next_ms),
                             a->ledger->LastDetail(u, s->name, group.place.occurrence));
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<nlohmann::json> JourneyRunner::TestRun(const CampaignRecord& record, std::string_view user_id,
                                              const std::vector<JourneyTestEvent>& test_events, int64_t horizon_ms) {
  if (!record.definition.IsJourney()) return Status::InvalidArgument(fmt::format("'{}' is not a journey", record.definition.name));
  const outreach::Campaign& def = record.definition;
  const outreach::Journey& j = *def.journey;
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::optional<uint32_t> dense = dictionary->Find(user_id);
  if (!dense) return Status::NotFound(fmt::format("user_id: no user '{}'", user_id));
  const uint32_t u = *dense;
  const int64_t start = parts_.clock->NowUnixMillis();
  nlohmann::json trace = nlohmann::json::array();
  auto note = [&](int64_t at, const std::string& step, const std::string& type, const std::string& decision,
                  nlohmann::json extra = nullptr) {
    nlohmann::json t = {{"at", Time(at)}, {"step", step}, {"type", type}, {"decision", decision}};
    if (!extra.is_null()) t.update(extra);
    trace.push_back(std::move(t));
  };
  // The simulated events, as the log would hold them, by time.
  std::vector<std::pair<int64_t, events::Event>> evs;
  for (size_t i = 0; i < test_events.size(); ++i) {
    const JourneyTestEvent& te = test_events[i];
    if (parts_.event_types && !parts_.event_types->Find(te.type)) {
      return Status::InvalidArgument(fmt::format("events[{}].type: no event type '{}'", i, te.type));
    }
    events::Event e;
    e.event_id = fmt::format("test-{}", i);
    e.type = te.type;
    e.user_id = std::string(user_id);
    e.time_ms = start + te.after_ms;
    for (const auto& [k, val] : te.properties.items()) {
      if (val.is_string()) e.properties.emplace_back(k, val.get<std::string>());
      else if (val.is_boolean()) e.properties.emplace_back(k, val.get<bool>());
      else if (val.is_number_integer()) e.properties.emplace_back(k, val.get<int64_t>());
      else if (val.is_number()) e.properties.emplace_back(k, val.get<double>());
    }
    std::sort(e.properties.begin(), e.properties.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    evs.emplace_back(e.time_ms, std::move(e));
  }
  std::sort(evs.begin(), evs.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  auto where_of = [&](const nlohmann::json& where, const std::string& type, const std::string& field)
      -> Result<std::vector<events::Condition>> { return events::ParseWhere(where, {type}, parts_.event_types, field); };
  // The first simulated event of `type` matching `where` in [from, to].
  auto first_event = [&](const std::string& type, const std::vector<events::Condition>& where, int64_t from,
                         int64_t to) -> const events::Event* {
    for (const auto& [at, e] : evs) {
      if (at >= from && at <= to && e.type == type && events::MatchesWhere(where, e)) return &e;
    }
    return nullptr;
  };
  const SegmentQueryOptions query = Query();
  // Entry.
  std::string outcome;
  if (def.audience.kind != outreach::Audience::Kind::kExpr || def.audience.expr != "ALL") {
    TAGLOOP_ASSIGN_OR_RETURN(Bitmap audience, outreach::ResolveAudience(*snapshot, def.audience, query));
    if (!audience.Contains(u)) {
      note(start, "", "entry", "not entered: the user does not match the audience");
      return nlohmann::json{{"trace", std::move(trace)}, {"outcome", "not_entered"}};
    }
  }
  if (def.control_share > 0 && outreach::InGroup(outreach::CampaignControlSeed(record.id), def.control_share, u)) {
    note(start, "control", "entry", fmt::format("held out: the user is in the journey's control group ({:g} %)",
                                                def.control_share * 100));
    return nlohmann::json{{"trace", std::move(trace)}, {"outcome", "control"}};
  }
  note(start, j.start, "entry",
       j.entry.kind == outreach::JourneyEntry::Kind::kSchedule ? fmt::format("entered at a run of '{}'", j.entry.cron)
                                                                 : fmt::format("entered on '{}'", j.entry.event.type));
  int64_t t = start;
  const int64_t end = start + horizon_ms;
  std::string at = j.start;
  // The goal ends the journey whenever it comes first.
  std::vector<events::Condition> no_where;
  auto goal_before = [&](int64_t until) -> const events::Event* {
    if (!def.goal || !j.exit_on_goal) return nullptr;
    return first_event(def.goal->event, no_where, t, until);
  };
  for (int hops = 0; hops < 1000; ++hops) {
    if (at.empty()) {
      outcome = "completed";
      note(t, "", "exit", "left the journey (no next step)");
      break;
    }
    const JourneyStep* s = j.Find(at);
    if (s == nullptr) return Status::Internal(fmt::format("no step '{}'", at));
    const std::string type = outreach::StepTypeName(s->type);
    if (s->type == StepType::kExit) {
      outcome = "completed";
      note(t, s->name, type, "left the journey");
      break;
    }
    if (s->type == StepType::kSend) {
      nlohmann::json extra = {{"channel", s->channel}};
      Active scratch;
      scratch.versions[record.version] = def;
      scratch.record = record;
      Result<SendRenderer*> renderer = scratch.RendererFor(record.version, *s, parts_);
      if (renderer.ok()) {
        Result<std::vector<outreach::RenderResult>> r = (*renderer)->Preview({u});
        if (r.ok() && !r->empty()) {
          extra["content"] = (*r)[0].content;
          if (!(*r)[0].address.empty()) extra["address"] = "(found)";
        }
      } else {
        extra["detail"] = renderer.status().message();
      }
      note(t, s->name, type, fmt::format("sent on channel '{}' (the policy decides at send time)", s->channel),
           std::move(extra));
      at = s->next;
      continue;
    }
    if (s->type == StepType::kWait) {
      const int64_t until = s->until_minute ? [&] {
        const int64_t offset = int64_t{parts_.utc_offset_minutes} * 60'000;
        const int64_t local = t + offset;
        const int64_t day = local - ((local % 86'400'000) + 86'400'000) % 86'400'000;
        int64_t x = day + int64_t{*s->until_minute} * 60'000;
        if (x <= local) x += 86'400'000;
        return x - offset;
      }() : t + s->duration_ms;
      if (const events::Event* g = goal_before(until)) {
        outcome = "converted";
        note(g->time_ms, s->name, type, fmt::format("converted: '{}' while waiting", g->type));
        break;
      }
      if (until > end) {
        outcome = "waiting";
        note(t, s->name, type, fmt::format("waits until {} (beyond the horizon)", Time(until)));
        break;
      }
      note(t, s->name, type, fmt::format("waited until {}", Time(until)));
      t = until;
      at = s->next;
      continue;
    }
    if (s->type == StepType::kWaitEvent) {
      TAGLOOP_ASSIGN_OR_RETURN(std::vector<events::Condition> where, where_of(s->event.where, s->event.type, "where"));
      const int64_t until = t + s->timeout_ms;
      const events::Event* hit = first_event(s->event.type, where, t, until);
      const events::Event* g = goal_before(hit ? hit->time_ms : until);
      if (g && (!hit || g->time_ms < hit->time_ms || g == hit)) {
        outcome = "converted";
        note(g->time_ms, s->name, type, fmt::format("converted: '{}' while waiting", g->type));
        break;
      }
      if (hit) {
        note(hit->time_ms, s->name, type, fmt::format("'{}' happened at {}: on to {}", s->event.type,
                                                      Time(hit->time_ms), s->next.empty() ? "the exit" : s->next));
        t = hit->time_ms;
        at = s->next;
        continue;
      }
      if (until > end) {
        outcome = "waiting";
        note(t, s->name, type, fmt::format("waits for '{}' until {} (beyond the horizon)", s->event.type, Time(until)));
        break;
      }
      note(until, s->name, type, fmt::format("no '{}' by {}: timed out to {}", s->event.type, Time(until),
                                             s->timeout_next.empty() ? "the exit" : s->timeout_next));
      t = until;
      at = s->timeout_next;
      continue;
    }
    if (s->type == StepType::kBranch) {
      TAGLOOP_ASSIGN_OR_RETURN(Bitmap cond, EvaluateSegment(*snapshot, s->condition, query));
      const bool yes = cond.Contains(u);
      note(t, s->name, type,
           fmt::format("{}: the condition is {} for the user on today's data", yes ? "yes" : "no", yes ? "true" : "false"),
           {{"condition", s->condition}});
      at = yes ? s->yes : s->no;
      continue;
    }
    if (s->type == StepType::kSplit) {
      const std::string key = fmt::format("{}\n{}", record.id, s->name);
      const double x = static_cast<double>(outreach::UserHash(XXH3_64bits(key.data(), key.size()), u) >> 11) /
                       static_cast<double>(uint64_t{1} << 53);
      double acc = 0;
      size_t k = 0;
      for (; k + 1 < s->paths.size(); ++k) {
        acc += s->paths[k].share;
        if (x < acc) break;
      }
      const outreach::SplitPath& p = s->paths[k];
      if (p.control) {
        outcome = "split_control";
        note(t, s->name, type, fmt::format("path '{}': held out (the split's control)", p.name));
        break;
      }
      note(t, s->name, type, fmt::format("path '{}' ({:g} %)", p.name, p.share * 100));
      at = p.next;
      continue;
    }
  }
  if (outcome.empty()) outcome = "loop_limit";
  return nlohmann::json{{"trace", std::move(trace)}, {"outcome", outcome}};
}

Result<JourneyMigration> JourneyRunner::Migrate(const CampaignRecord& record, int64_t from_version, bool dry_run) {
  std::shared_ptr<Active> a = Find(record.id);
  if (!a) {
    return Status::FailedPrecondition(
        fmt::format("journey '{}' is not running or paused here: nobody to migrate", record.definition.name));
  }
  std::lock_guard work(a->mu);
  if (record.version > a->record.version) {  // edited just now: the runner's next look would take it too
    a->versions[record.version] = record.definition;
    a->compiled.erase(record.version);
    a->NoteSteps(record.definition);
    a->record = record;
  }
  if (!a->versions.count(from_version)) {
    return Status::InvalidArgument(fmt::format("from_version: no version {} with users inside", from_version));
  }
  const int64_t to_version = a->record.version;
  if (from_version == to_version) {
    return Status::InvalidArgument(fmt::format("from_version: {} is the current version", from_version));
  }
  const outreach::Journey& to = *a->versions.at(to_version).journey;
  const outreach::Journey& from = *a->versions.at(from_version).journey;
  JourneyMigration m;
  const int64_t now = parts_.clock->NowUnixMillis();
  for (uint32_t g : a->state->AllGroups()) {
    std::optional<outreach::JourneyGroup> group = a->state->Group(g);
    if (!group || group->place.version != from_version) continue;
    const uint64_t n = group->members.cardinality();
    const JourneyStep* old_step = from.Find(group->place.step);
    const JourneyStep* new_step = to.Find(group->place.step);
    // A send under way finishes on its version (its ledger records name the step).
    if (!new_step || !old_step || new_step->type != old_step->type || a->sending.count(g)) {
      m.stay[group->place.step] += n;
      continue;
    }
    m.moves[group->place.step] += n;
    m.moved += n;
    if (!dry_run) {
      outreach::GroupPlace place = group->place;
      place.version = to_version;
      a->state->Move(g, group->members, place, now, place.wake_ms > 0);
    }
  }
  if (!dry_run) TAGLOOP_RETURN_IF_ERROR(a->state->Commit());
  Wake();
  return m;
}

}  // namespace tagloop
