#include "outreach/campaign.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "events/event_time.h"
#include "outreach/policy.h"
#include "segment/quote.h"

namespace tagloop::outreach {

namespace {

constexpr uint64_t kMaxRecipientsLimit = uint64_t{1} << 32;

Result<Audience> ParseAudience(const Json& j) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j, "audience", {"expr", "segment", "list", "report", "cell"}));
  Audience a;
  const int kinds = f.Has("segment") + f.Has("list") + f.Has("report") + (f.Has("expr") && !f.Has("report"));
  if (kinds != 1) {
    return BadField("audience", "must have exactly one of expr, segment, list or report (+ cell)");
  }
  if (f.Has("report")) {
    a.kind = Audience::Kind::kReport;
    TAGLOOP_ASSIGN_OR_RETURN(a.report, f.String("report"));
    const Json* cell = f.Get("cell");
    if (!cell) return MissingField("audience.cell");
    a.cell = *cell;
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> expr, f.OptString("expr"));
    a.expr = expr.value_or("");
    return a;
  }
  if (f.Has("cell")) return BadField("audience.cell", "only with audience.report");
  if (f.Has("expr")) {
    a.kind = Audience::Kind::kExpr;
    TAGLOOP_ASSIGN_OR_RETURN(a.expr, f.String("expr"));
    if (a.expr.find_first_not_of(" \t\r\n") == std::string::npos) return BadField("audience.expr", "must not be blank");
  } else {
    a.kind = f.Has("segment") ? Audience::Kind::kSegment : Audience::Kind::kList;
    TAGLOOP_ASSIGN_OR_RETURN(a.segment, f.String(a.kind == Audience::Kind::kSegment ? "segment" : "list"));
  }
  return a;
}

Json AudienceJson(const Audience& a) {
  switch (a.kind) {
    case Audience::Kind::kExpr:
      return {{"expr", a.expr}};
    case Audience::Kind::kSegment:
      return {{"segment", a.segment}};
    case Audience::Kind::kList:
      return {{"list", a.segment}};
    case Audience::Kind::kReport: {
      Json j = {{"report", a.report}, {"cell", a.cell}};
      if (!a.expr.empty()) j["expr"] = a.expr;
      return j;
    }
  }
  return Json::object();
}

Result<std::vector<FlowStep>> ParseSteps(const Json& j) {
  if (!j.is_array() || j.empty()) return BadField("steps", "must be a non-empty list of steps");
  std::vector<FlowStep> steps;
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j[i], ItemPath("steps", i), {"name", "type"}));
    FlowStep s;
    TAGLOOP_ASSIGN_OR_RETURN(s.name, f.String("name"));
    TAGLOOP_ASSIGN_OR_RETURN(s.type, f.String("type"));
    if (!IsOutreachName(s.name)) return BadField(f.Path("name"), "1 to 64 characters of a-z, 0-9 and _");
    if (!names.insert(s.name).second) return BadField(f.Path("name"), fmt::format("step '{}' appears twice", s.name));
    if (s.type != "send") {
      return BadField(f.Path("type"), fmt::format("unknown step type '{}' (a campaign has one step of type send)", s.type));
    }
    steps.push_back(std::move(s));
  }
  if (steps.size() != 1) return BadField("steps", "a campaign has exactly one send step");
  return steps;
}

}  // namespace

const char* CampaignClassName(CampaignClass c) {
  return c == CampaignClass::kTransactional ? "transactional" : "marketing";
}

Result<std::string> Audience::Expression() const {
  switch (kind) {
    case Kind::kExpr:
      return expr;
    case Kind::kSegment:
    case Kind::kList:
      return segment::SegmentReference(segment);
    case Kind::kReport:
      if (expr.empty()) {
        return Status::FailedPrecondition(fmt::format("the audience is a cell of report '{}' not resolved yet", report));
      }
      return expr;
  }
  return Status::Internal("unknown audience kind");
}

Result<Campaign> Campaign::FromJson(const Json& j) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j, "", {"name", "title", "theme", "audience", "channel",
                                                               "content", "control", "goal", "budget", "schedule",
                                                               "class", "policy", "steps", "entry", "reentry",
                                                               "max_concurrent", "exit", "start"}));
  Campaign c;
  TAGLOOP_ASSIGN_OR_RETURN(c.name, f.String("name"));
  if (!IsOutreachName(c.name)) return BadField("name", "1 to 64 characters of a-z, 0-9 and _");
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> title, f.OptString("title"));
  c.title = title && !title->empty() ? *title : c.name;
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> theme, f.OptString("theme"));
  c.theme = theme.value_or("");
  const bool journey = f.Has("entry");
  if (!journey) {
    for (const char* key : {"reentry", "max_concurrent", "exit", "start"}) {
      if (f.Has(key)) return BadField(key, "only a journey (a definition with \"entry\") has it");
    }
  }
  const Json* audience = f.Get("audience");
  if (audience) {
    TAGLOOP_ASSIGN_OR_RETURN(c.audience, ParseAudience(*audience));
  } else if (journey && !(j["entry"].is_object() && j["entry"].contains("schedule"))) {
    c.audience.expr = "ALL";  // an event entry needs no audience: whoever the event names
  } else {
    return MissingField("audience");
  }
  if (journey) {
    for (const char* key : {"channel", "content"}) {
      if (f.Has(key)) return BadField(key, "a journey's channel and content belong to its send steps");
    }
    TAGLOOP_ASSIGN_OR_RETURN(Journey parsed, Journey::FromJson(j, f.Has("goal")));
    c.journey = std::move(parsed);
    c.steps.clear();
    for (const JourneyStep& s : c.journey->steps) c.steps.push_back({s.name, StepTypeName(s.type)});
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(c.channel, f.String("channel"));
    if (!IsOutreachName(c.channel)) return BadField("channel", "a channel name is 1 to 64 characters of a-z, 0-9 and _");
  }
  if (const Json* content = f.Get("content")) {
    if (!content->is_object()) return BadField("content", "must be an object");
    c.content = *content;
  }
  if (const Json* control = f.Get("control")) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields cf, JsonFields::Of(*control, "control", {"share"}));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<double> share, cf.OptNumber("share", 0, 1));
    if (share && *share >= 1) return BadField("control.share", "must be below 1 (0 = no control group)");
    c.control_share = share.value_or(0);
  }
  if (const Json* goal = f.Get("goal")) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields gf, JsonFields::Of(*goal, "goal", {"event", "window_days"}));
    CampaignGoal g;
    TAGLOOP_ASSIGN_OR_RETURN(g.event, gf.String("event"));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> days, gf.OptInt("window_days", 1, 90));
    g.window_days = static_cast<int>(days.value_or(7));
    c.goal = std::move(g);
  }
  if (const Json* budget = f.Get("budget")) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields bf, JsonFields::Of(*budget, "budget", {"max_recipients", "cost_per_message"}));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> max, bf.OptInt("max_recipients", 1, kMaxRecipientsLimit));
    if (max) c.budget.max_recipients = static_cast<uint64_t>(*max);
    TAGLOOP_ASSIGN_OR_RETURN(c.budget.cost_per_message, bf.OptNumber("cost_per_message", 0, 1e9));
  }
  if (const Json* schedule = f.Get("schedule")) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields sf, JsonFields::Of(*schedule, "schedule", {"at"}));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> at, sf.OptString("at"));
    if (at) {
      Result<int64_t> ms = events::ParseRfc3339Millis(*at);
      if (!ms.ok()) return BadField("schedule.at", ms.status().message());
      c.schedule_at_ms = *ms;
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> cls, f.OptString("class"));
  if (cls && *cls == "transactional") {
    c.campaign_class = CampaignClass::kTransactional;
  } else if (cls && *cls != "marketing") {
    return BadField("class", "must be \"marketing\" or \"transactional\"");
  }
  if (const Json* policy = f.Get("policy")) {
    TAGLOOP_RETURN_IF_ERROR(SuppressionPolicy::ValidateOverrides(*policy));
    c.policy_overrides = *policy;
  }
  if (const Json* steps = f.Get("steps"); steps && !journey) {
    TAGLOOP_ASSIGN_OR_RETURN(c.steps, ParseSteps(*steps));
  }
  return c;
}

Json Campaign::ToJson() const {
  Json j = Json::object();
  j["name"] = name;
  j["title"] = title;
  j["theme"] = theme;
  j["audience"] = AudienceJson(audience);
  if (!journey) {
    j["channel"] = channel;
    j["content"] = content;
  }
  j["control"] = {{"share", control_share}};
  if (goal) j["goal"] = {{"event", goal->event}, {"window_days", goal->window_days}};
  Json budget_json = Json::object();
  if (budget.max_recipients) budget_json["max_recipients"] = *budget.max_recipients;
  if (budget.cost_per_message) budget_json["cost_per_message"] = *budget.cost_per_message;
  if (!budget_json.empty()) j["budget"] = std::move(budget_json);
  if (schedule_at_ms) j["schedule"] = {{"at", events::FormatRfc3339Millis(*schedule_at_ms)}};
  j["class"] = CampaignClassName(campaign_class);
  if (!policy_overrides.empty()) j["policy"] = policy_overrides;
  if (journey) {
    journey->ToJson(j);  // entry, reentry, ..., and the steps with their settings
    return j;
  }
  Json steps_json = Json::array();
  for (const FlowStep& s : steps) steps_json.push_back({{"name", s.name}, {"type", s.type}});
  j["steps"] = std::move(steps_json);
  return j;
}

std::vector<std::string> Campaign::Channels() const {
  if (!journey) return {channel};
  std::vector<std::string> out;
  for (const JourneyStep& s : journey->steps) {
    if (s.type == StepType::kSend && std::find(out.begin(), out.end(), s.channel) == out.end()) out.push_back(s.channel);
  }
  return out;
}

}  // namespace tagloop::outreach
