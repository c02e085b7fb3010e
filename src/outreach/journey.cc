#include "outreach/journey.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace tagloop::outreach {

namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxWaitMs = 365 * kDayMs;
constexpr int64_t kMaxEventWaitMs = 31 * kDayMs;  // Braze's longest action-path window

Result<EventMatch> ParseEventMatch(const JsonFields& f, std::string_view type_key) {
  EventMatch m;
  TAGLOOP_ASSIGN_OR_RETURN(m.type, f.String(type_key));
  if (const Json* where = f.Get("where")) {
    if (!where->is_object()) return BadField(f.Path("where"), "must be an object of property -> condition");
    m.where = *where;
  }
  return m;
}

// A step reference: absent or null = leave; else a string (checked later).
Result<std::string> OptRef(const JsonFields& f, std::string_view key) {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> ref, f.OptString(key));
  return ref.value_or("");
}

Result<JourneyStep> ParseStep(const Json& j, const std::string& path) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields head, JsonFields::Of(j, path,
                                                           {"name", "type", "next", "channel", "content", "duration",
                                                            "until", "event", "where", "timeout", "timeout_next",
                                                            "condition", "yes", "no", "paths"}));
  JourneyStep s;
  TAGLOOP_ASSIGN_OR_RETURN(s.name, head.String("name"));
  if (!IsOutreachName(s.name)) return BadField(head.Path("name"), "1 to 64 characters of a-z, 0-9 and _");
  TAGLOOP_ASSIGN_OR_RETURN(std::string type, head.String("type"));
  // Each type takes its own keys only: a stray key is a typo or a step of another type.
  auto keys = [&](std::initializer_list<std::string_view> allowed) { return JsonFields::Of(j, path, allowed); };
  if (type == "send") {
    s.type = StepType::kSend;
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, keys({"name", "type", "next", "channel", "content"}));
    TAGLOOP_ASSIGN_OR_RETURN(s.channel, f.String("channel"));
    if (!IsOutreachName(s.channel)) return BadField(f.Path("channel"), "a channel name is 1 to 64 characters of a-z, 0-9 and _");
    if (const Json* content = f.Get("content")) {
      if (!content->is_object()) return BadField(f.Path("content"), "must be an object");
      s.content = *content;
    }
    TAGLOOP_ASSIGN_OR_RETURN(s.next, OptRef(f, "next"));
  } else if (type == "wait") {
    s.type = StepType::kWait;
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, keys({"name", "type", "next", "duration", "until"}));
    if (f.Has("duration") == f.Has("until")) return BadField(path, "a wait has either duration or until");
    if (const Json* d = f.Get("duration")) {
      TAGLOOP_ASSIGN_OR_RETURN(s.duration_ms, ParseDuration(*d, f.Path("duration"), kSecondMs, kMaxWaitMs));
    } else {
      TAGLOOP_ASSIGN_OR_RETURN(std::string until, f.String("until"));
      int h = -1, m = -1;
      char tail = 0;
      if (until.size() != 5 || std::sscanf(until.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 ||
          m < 0 || m > 59 || until[2] != ':') {
        return BadField(f.Path("until"), fmt::format("'{}' is not a time of day HH:MM", until));
      }
      s.until_minute = h * 60 + m;
    }
    TAGLOOP_ASSIGN_OR_RETURN(s.next, OptRef(f, "next"));
  } else if (type == "wait_event") {
    s.type = StepType::kWaitEvent;
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, keys({"name", "type", "next", "event", "where", "timeout", "timeout_next"}));
    TAGLOOP_ASSIGN_OR_RETURN(s.event, ParseEventMatch(f, "event"));
    const Json* timeout = f.Get("timeout");
    if (!timeout) return MissingField(f.Path("timeout"));
    TAGLOOP_ASSIGN_OR_RETURN(s.timeout_ms, ParseDuration(*timeout, f.Path("timeout"), kSecondMs, kMaxEventWaitMs));
    TAGLOOP_ASSIGN_OR_RETURN(s.next, OptRef(f, "next"));
    TAGLOOP_ASSIGN_OR_RETURN(s.timeout_next, OptRef(f, "timeout_next"));
  } else if (type == "branch") {
    s.type = StepType::kBranch;
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, keys({"name", "type", "condition", "yes", "no"}));
    TAGLOOP_ASSIGN_OR_RETURN(s.condition, f.String("condition"));
    if (s.condition.find_first_not_of(" \t\r\n") == std::string::npos) {
      return BadField(f.Path("condition"), "must not be blank");
    }
    TAGLOOP_ASSIGN_OR_RETURN(s.yes, OptRef(f, "yes"));
    TAGLOOP_ASSIGN_OR_RETURN(s.no, OptRef(f, "no"));
  } else if (type == "split") {
    s.type = StepType::kSplit;
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, keys({"name", "type", "paths"}));
    const Json* paths = f.Get("paths");
    if (!paths || !paths->is_array() || paths->size() < 2 || paths->size() > 10) {
      return BadField(f.Path("paths"), "must be a list of 2 to 10 paths");
    }
    double total = 0;
    std::set<std::string> names;
    for (size_t i = 0; i < paths->size(); ++i) {
      TAGLOOP_ASSIGN_OR_RETURN(JsonFields pf,
                               JsonFields::Of((*paths)[i], ItemPath(f.Path("paths"), i), {"name", "share", "next", "control"}));
      SplitPath p;
      TAGLOOP_ASSIGN_OR_RETURN(p.name, pf.String("name"));
      if (!IsOutreachName(p.name)) return BadField(pf.Path("name"), "1 to 64 characters of a-z, 0-9 and _");
      if (!names.insert(p.name).second) return BadField(pf.Path("name"), fmt::format("path '{}' appears twice", p.name));
      TAGLOOP_ASSIGN_OR_RETURN(std::optional<double> share, pf.OptNumber("share", 0, 1));
      if (!share || *share <= 0) return BadField(pf.Path("share"), "must be above 0 and at most 1");
      p.share = *share;
      total += p.share;
      TAGLOOP_ASSIGN_OR_RETURN(p.next, OptRef(pf, "next"));
      TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> control, pf.OptBool("control"));
      p.control = control.value_or(false);
      if (p.control && !p.next.empty()) {
        return BadField(pf.Path("next"), "a control path holds its users out: it has no next step");
      }
      s.paths.push_back(std::move(p));
    }
    if (std::fabs(total - 1) > 1e-9) {
      return BadField(f.Path("paths"), fmt::format("the shares sum to {:g}, not 1", total));
    }
  } else if (type == "exit") {
    s.type = StepType::kExit;
    TAGLOOP_RETURN_IF_ERROR(keys({"name", "type"}).status());
  } else {
    return BadField(head.Path("type"),
                    fmt::format("unknown step type '{}' (send, wait, wait_event, branch, split, exit)", type));
  }
  return s;
}

// The field of step `s` that names `target` (for errors).
std::string RefField(const JourneyStep& s, const std::string& path, const std::string& target) {
  if (s.next == target) return path + ".next";
  if (s.timeout_next == target) return path + ".timeout_next";
  if (s.yes == target) return path + ".yes";
  if (s.no == target) return path + ".no";
  for (size_t i = 0; i < s.paths.size(); ++i) {
    if (s.paths[i].next == target) return ItemPath(path + ".paths", i) + ".next";
  }
  return path;
}

Status CheckGraph(const Journey& j) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < j.steps.size(); ++i) index.emplace(j.steps[i].name, i);
  for (size_t i = 0; i < j.steps.size(); ++i) {
    const std::string path = ItemPath("steps", i);
    for (const std::string& target : j.steps[i].Successors()) {
      if (!index.count(target)) {
        return BadField(RefField(j.steps[i], path, target), fmt::format("no step '{}'", target));
      }
    }
  }
  if (!index.count(j.start)) return BadField("start", fmt::format("no step '{}'", j.start));
  // Reachable from start.
  std::vector<bool> seen(j.steps.size(), false);
  std::vector<size_t> frontier{index[j.start]};
  seen[frontier[0]] = true;
  while (!frontier.empty()) {
    const size_t at = frontier.back();
    frontier.pop_back();
    for (const std::string& target : j.steps[at].Successors()) {
      const size_t t = index[target];
      if (!seen[t]) {
        seen[t] = true;
        frontier.push_back(t);
      }
    }
  }
  for (size_t i = 0; i < j.steps.size(); ++i) {
    if (!seen[i]) {
      return BadField(ItemPath("steps", i), fmt::format("step '{}' is not reachable from '{}'", j.steps[i].name, j.start));
    }
  }
  // No cycle without a wait: drop the edges out of wait steps and look for a
  // cycle in what is left (colouring DFS).
  std::vector<int> colour(j.steps.size(), 0);  // 0 new, 1 on the stack, 2 done
  std::function<Status(size_t)> visit = [&](size_t at) -> Status {
    colour[at] = 1;
    const JourneyStep& s = j.steps[at];
    if (s.type != StepType::kWait && s.type != StepType::kWaitEvent) {
      for (const std::string& target : s.Successors()) {
        const size_t t = index[target];
        if (colour[t] == 1) {
          return BadField(RefField(s, ItemPath("steps", at), target),
                          fmt::format("'{}' -> '{}' closes a loop that passes no wait: a user would go round at once",
                                      s.name, target));
        }
        if (colour[t] == 0) TAGLOOP_RETURN_IF_ERROR(visit(t));
      }
    }
    colour[at] = 2;
    return Status::Ok();
  };
  for (size_t i = 0; i < j.steps.size(); ++i) {
    if (colour[i] == 0) TAGLOOP_RETURN_IF_ERROR(visit(i));
  }
  return Status::Ok();
}

}  // namespace

const char* StepTypeName(StepType type) {
  switch (type) {
    case StepType::kSend: return "send";
    case StepType::kWait: return "wait";
    case StepType::kWaitEvent: return "wait_event";
    case StepType::kBranch: return "branch";
    case StepType::kSplit: return "split";
    case StepType::kExit: return "exit";
  }
  return "exit";
}

const char* ReentryModeName(ReentryMode mode) {
  switch (mode) {
    case ReentryMode::kOnce: return "once";
    case ReentryMode::kAfter: return "after";
    case ReentryMode::kEveryTime: return "every_time";
  }
  return "once";
}

std::vector<std::string> JourneyStep::Successors() const {
  std::vector<std::string> out;
  for (const std::string* s : {&next, &timeout_next, &yes, &no}) {
    if (!s->empty()) out.push_back(*s);
  }
  for (const SplitPath& p : paths) {
    if (!p.next.empty()) out.push_back(p.next);
  }
  return out;
}

Result<int64_t> ParseDuration(const Json& value, std::string_view field, int64_t min_ms, int64_t max_ms) {
  if (!value.is_string()) return BadField(field, "must be a duration such as \"90s\", \"30m\", \"36h\" or \"3d\"");
  const std::string& text = value.get_ref<const std::string&>();
  int64_t n = 0;
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < 1'000'000'000) n = n * 10 + (text[i++] - '0');
  int64_t unit = 0;
  if (i > 0 && i + 1 == text.size()) {
    switch (text[i]) {
      case 's': unit = kSecondMs; break;
      case 'm': unit = 60 * kSecondMs; break;
      case 'h': unit = 3600 * kSecondMs; break;
      case 'd': unit = kDayMs; break;
      default: break;
    }
  }
  if (unit == 0) {
    return BadField(field, fmt::format("'{}' is not a duration such as \"90s\", \"30m\", \"36h\" or \"3d\"", text));
  }
  const int64_t ms = n * unit;
  if (ms < min_ms || ms > max_ms) {
    return BadField(field, fmt::format("'{}' is outside {} to {}", text, FormatDuration(min_ms), FormatDuration(max_ms)));
  }
  return ms;
}

std::string FormatDuration(int64_t ms) {
  if (ms % kDayMs == 0) return fmt::format("{}d", ms / kDayMs);
  if (ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
  return fmt::format("{}s", (ms + 999) / 1000);
}

Result<Journey> Journey::FromJson(const Json& campaign, bool has_goal) {
  Journey j;
  const Json& entry = campaign.at("entry");
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields ef, JsonFields::Of(entry, "entry", {"schedule", "event", "where"}));
  if (ef.Has("schedule") == ef.Has("event")) return BadField("entry", "has either schedule (cron) or event");
  if (ef.Has("schedule")) {
    if (ef.Has("where")) return BadField("entry.where", "only with entry.event");
    j.entry.kind = JourneyEntry::Kind::kSchedule;
    TAGLOOP_ASSIGN_OR_RETURN(j.entry.cron, ef.String("schedule"));
  } else {
    j.entry.kind = JourneyEntry::Kind::kEvent;
    TAGLOOP_ASSIGN_OR_RETURN(j.entry.event, ParseEventMatch(ef, "event"));
  }
  if (const Json* reentry = campaign.contains("reentry") ? &campaign["reentry"] : nullptr; reentry && !reentry->is_null()) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields rf, JsonFields::Of(*reentry, "reentry", {"mode", "days"}));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> mode, rf.OptString("mode"));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> days, rf.OptInt("days", 1, 3650));
    const std::string m = mode.value_or("once");
    if (m == "once") {
      j.reentry = ReentryMode::kOnce;
    } else if (m == "after") {
      j.reentry = ReentryMode::kAfter;
      if (!days) return MissingField("reentry.days");
      j.reentry_days = static_cast<int>(*days);
    } else if (m == "every_time") {
      j.reentry = ReentryMode::kEveryTime;
    } else {
      return BadField("reentry.mode", fmt::format("'{}' is not once, after or every_time", m));
    }
    if (days && j.reentry != ReentryMode::kAfter) return BadField("reentry.days", "only with mode \"after\"");
  }
  if (campaign.contains("max_concurrent") && !campaign["max_concurrent"].is_null()) {
    const Json& v = campaign["max_concurrent"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 100) {
      return BadField("max_concurrent", "must be an integer from 1 to 100");
    }
    j.max_concurrent = v.get<int>();
  }
  j.exit_on_goal = has_goal;
  if (campaign.contains("exit") && !campaign["exit"].is_null()) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields xf, JsonFields::Of(campaign["exit"], "exit", {"goal", "not_matching"}));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> goal, xf.OptBool("goal"));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> not_matching, xf.OptBool("not_matching"));
    if (goal.value_or(false) && !has_goal) return BadField("exit.goal", "the journey has no goal to leave on");
    j.exit_on_goal = goal.value_or(has_goal);
    j.exit_not_matching = not_matching.value_or(false);
  }
  const Json* steps = campaign.contains("steps") ? &campaign["steps"] : nullptr;
  if (!steps || !steps->is_array() || steps->empty() || steps->size() > 200) {
    return BadField("steps", "a journey has a list of 1 to 200 steps");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < steps->size(); ++i) {
    TAGLOOP_ASSIGN_OR_RETURN(JourneyStep s, ParseStep((*steps)[i], ItemPath("steps", i)));
    if (!names.insert(s.name).second) {
      return BadField(ItemPath("steps", i) + ".name", fmt::format("step '{}' appears twice", s.name));
    }
    if (s.name == "control" || s.name == "treatment") {
      return BadField(ItemPath("steps", i) + ".name",
                      fmt::format("'{}' is reserved (the journey's {} group)", s.name, s.name));
    }
    j.steps.push_back(std::move(s));
  }
  if (campaign.contains("start") && !campaign["start"].is_null()) {
    if (!campaign["start"].is_string()) return BadField("start", "must be a step name");
    j.start = campaign["start"].get<std::string>();
  } else {
    j.start = j.steps.front().name;
  }
  TAGLOOP_RETURN_IF_ERROR(CheckGraph(j));
  return j;
}

void Journey::ToJson(Json& c) const {
  Json entry_json = Json::object();
  if (entry.kind == JourneyEntry::Kind::kSchedule) {
    entry_json["schedule"] = entry.cron;
  } else {
    entry_json["event"] = entry.event.type;
    if (!entry.event.where.empty()) entry_json["where"] = entry.event.where;
  }
  c["entry"] = std::move(entry_json);
  Json reentry_json = {{"mode", ReentryModeName(reentry)}};
  if (reentry == ReentryMode::kAfter) reentry_json["days"] = reentry_days;
  c["reentry"] = std::move(reentry_json);
  if (max_concurrent) c["max_concurrent"] = *max_concurrent;
  c["exit"] = {{"goal", exit_on_goal}, {"not_matching", exit_not_matching}};
  c["start"] = start;
  Json steps_json = Json::array();
  for (const JourneyStep& s : steps) {
    Json sj = {{"name", s.name}, {"type", StepTypeName(s.type)}};
    auto ref = [&](const char* key, const std::string& v) {
      if (!v.empty()) sj[key] = v;
    };
    switch (s.type) {
      case StepType::kSend:
        sj["channel"] = s.channel;
        sj["content"] = s.content;
        ref("next", s.next);
        break;
      case StepType::kWait:
        if (s.until_minute) {
          sj["until"] = fmt::format("{:02}:{:02}", *s.until_minute / 60, *s.until_minute % 60);
        } else {
          sj["duration"] = FormatDuration(s.duration_ms);
        }
        ref("next", s.next);
        break;
      case StepType::kWaitEvent:
        sj["event"] = s.event.type;
        if (!s.event.where.empty()) sj["where"] = s.event.where;
        sj["timeout"] = FormatDuration(s.timeout_ms);
        ref("next", s.next);
        ref("timeout_next", s.timeout_next);
        break;
      case StepType::kBranch:
        sj["condition"] = s.condition;
        ref("yes", s.yes);
        ref("no", s.no);
        break;
      case StepType::kSplit: {
        Json paths = Json::array();
        for (const SplitPath& p : s.paths) {
          Json pj = {{"name", p.name}, {"share", p.share}};
          if (!p.next.empty()) pj["next"] = p.next;
          if (p.control) pj["control"] = true;
          paths.push_back(std::move(pj));
        }
        sj["paths"] = std::move(paths);
        break;
      }
      case StepType::kExit:
        break;
    }
    steps_json.push_back(std::move(sj));
  }
  c["steps"] = std::move(steps_json);
}

const JourneyStep* Journey::Find(std::string_view name) const {
  const int i = IndexOf(name);
  return i < 0 ? nullptr : &steps[static_cast<size_t>(i)];
}

int Journey::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> Journey::EventTypes() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  if (entry.kind == JourneyEntry::Kind::kEvent) add(entry.event.type);
  for (const JourneyStep& s : steps) {
    if (s.type == StepType::kWaitEvent) add(s.event.type);
  }
  return out;
}

}  // namespace tagloop::outreach
