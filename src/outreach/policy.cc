#include "outreach/policy.h"

#include <fmt/format.h>

#include <algorithm>

namespace tagloop::outreach {

namespace {

constexpr int64_t kDayMs = 86'400'000;

Result<ChannelSet> ParseChannels(const Json* j, const std::string& path) {
  ChannelSet set;
  if (!j) return set;  // absent: every channel
  if (!j->is_array() || j->empty()) return BadField(path, "must be a non-empty list of channel names or [\"*\"]");
  set.all = false;
  for (size_t i = 0; i < j->size(); ++i) {
    const Json& c = (*j)[i];
    if (!c.is_string()) return BadField(ItemPath(path, i), "must be a channel name or \"*\"");
    const std::string name = c.get<std::string>();
    if (name == "*") {
      set.all = true;
    } else if (!IsOutreachName(name)) {
      return BadField(ItemPath(path, i), "a channel name is 1 to 64 characters of a-z, 0-9 and _");
    } else {
      set.names.push_back(name);
    }
  }
  if (set.all) set.names.clear();
  std::sort(set.names.begin(), set.names.end());
  set.names.erase(std::unique(set.names.begin(), set.names.end()), set.names.end());
  return set;
}

Json ChannelsJson(const ChannelSet& set) {
  if (set.all) return Json::array({"*"});
  return Json(set.names);
}

Result<std::vector<FrequencyCap>> ParseCaps(const Json& j, const std::string& path) {
  if (!j.is_array()) return BadField(path, "must be a list of {channels, max, days}");
  std::vector<FrequencyCap> caps;
  for (size_t i = 0; i < j.size(); ++i) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j[i], ItemPath(path, i), {"channels", "max", "days"}));
    FrequencyCap cap;
    TAGLOOP_ASSIGN_OR_RETURN(cap.channels, ParseChannels(f.Get("channels"), f.Path("channels")));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> max, f.OptInt("max", 1, 100));
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> days, f.OptInt("days", 1, 365));
    if (!max) return MissingField(f.Path("max"));
    if (!days) return MissingField(f.Path("days"));
    cap.max = static_cast<int>(*max);
    cap.days = static_cast<int>(*days);
    caps.push_back(std::move(cap));
  }
  return caps;
}

Result<QuietHours> ParseQuietHours(const Json& j, const std::string& path) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j, path, {"from", "to", "mode"}));
  QuietHours q;
  for (const char* key : {"from", "to"}) {
    TAGLOOP_ASSIGN_OR_RETURN(std::string text, f.String(key));
    Result<int> minute = ParseMinuteOfDay(text);
    if (!minute.ok()) return BadField(f.Path(key), minute.status().message());
    (std::string_view(key) == "from" ? q.from_minute : q.to_minute) = *minute;
  }
  if (q.from_minute == q.to_minute) return BadField(f.Path("to"), "must differ from 'from'");
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> mode, f.OptString("mode"));
  if (mode && *mode == "drop") {
    q.mode = QuietHours::Mode::kDrop;
  } else if (mode && *mode != "defer") {
    return BadField(f.Path("mode"), "must be \"defer\" or \"drop\"");
  }
  return q;
}

Result<TouchedRecently> ParseTouchedRecently(const Json& j, const std::string& path) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j, path, {"days", "channels"}));
  TouchedRecently t;
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> days, f.OptInt("days", 1, 365));
  if (!days) return MissingField(f.Path("days"));
  t.days = static_cast<int>(*days);
  TAGLOOP_ASSIGN_OR_RETURN(t.channels, ParseChannels(f.Get("channels"), f.Path("channels")));
  return t;
}

Result<std::string> ParseExpression(const JsonFields& f, std::string_view key) {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> e, f.OptString(key));
  if (!e) return std::string();
  if (e->find_first_not_of(" \t\r\n") == std::string::npos) return BadField(f.Path(key), "must not be blank");
  return *e;
}

// The keys a campaign may override, parsed into `p` (path prefix `path`).
Status ApplyOverridable(const JsonFields& f, SuppressionPolicy& p) {
  if (const Json* caps = f.Get("caps")) {
    TAGLOOP_ASSIGN_OR_RETURN(p.caps, ParseCaps(*caps, f.Path("caps")));
  }
  if (const Json* q = f.Get("quiet_hours")) {
    TAGLOOP_ASSIGN_OR_RETURN(QuietHours quiet, ParseQuietHours(*q, f.Path("quiet_hours")));
    p.quiet_hours = quiet;
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> dedup, f.OptBool("dedup_by_theme"));
  if (dedup) p.dedup_by_theme = *dedup;
  if (const Json* t = f.Get("touched_recently")) {
    TAGLOOP_ASSIGN_OR_RETURN(TouchedRecently touched, ParseTouchedRecently(*t, f.Path("touched_recently")));
    p.touched_recently = std::move(touched);
  }
  return Status::Ok();
}

}  // namespace

bool ChannelSet::Contains(std::string_view channel) const {
  return all || std::binary_search(names.begin(), names.end(), channel);
}

bool QuietHours::Quiet(int minute_of_day) const {
  if (from_minute < to_minute) return minute_of_day >= from_minute && minute_of_day < to_minute;
  return minute_of_day >= from_minute || minute_of_day < to_minute;  // wraps over midnight
}

int64_t QuietHours::NextAllowedMs(int64_t now_ms, int utc_offset_minutes) const {
  const int64_t local_ms = now_ms + int64_t{utc_offset_minutes} * 60'000;
  const int64_t day_start = local_ms - ((local_ms % kDayMs) + kDayMs) % kDayMs;
  const int minute = static_cast<int>((local_ms - day_start) / 60'000);
  if (!Quiet(minute)) return now_ms;
  // Inside the window: it ends at to_minute today, or tomorrow when the
  // window started today before midnight and wraps.
  int64_t end_local = day_start + int64_t{to_minute} * 60'000;
  if (end_local <= local_ms) end_local += kDayMs;
  return end_local - int64_t{utc_offset_minutes} * 60'000;
}

Result<int> ParseMinuteOfDay(std::string_view text) {
  const auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return Status::InvalidArgument(fmt::format("'{}' is not a time of day HH:MM", text));
  }
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return Status::InvalidArgument(fmt::format("'{}' is not a time of day HH:MM", text));
  return h * 60 + m;
}

std::string FormatMinuteOfDay(int minute) { return fmt::format("{:02}:{:02}", minute / 60, minute % 60); }

Result<SuppressionPolicy> SuppressionPolicy::FromJson(const Json& j) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j, "", {"blacklist", "caps", "quiet_hours", "opt_out",
                                                               "dedup_by_theme", "touched_recently", "exempt",
                                                               "global_control"}));
  SuppressionPolicy p;
  TAGLOOP_ASSIGN_OR_RETURN(p.blacklist, ParseExpression(f, "blacklist"));
  TAGLOOP_RETURN_IF_ERROR(ApplyOverridable(f, p));
  if (const Json* o = f.Get("opt_out")) {
    if (!o->is_object()) return BadField("opt_out", "must be an object of channel name (or \"*\") -> expression");
    for (const auto& [channel, expr] : o->items()) {
      const std::string path = FieldPath("opt_out", channel);
      if (channel != "*" && !IsOutreachName(channel)) {
        return BadField(path, "a channel name is 1 to 64 characters of a-z, 0-9 and _, or \"*\"");
      }
      if (!expr.is_string() || expr.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
        return BadField(path, "must be a segment expression");
      }
      p.opt_out[channel] = expr.get<std::string>();
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> exempt, f.OptString("exempt"));
  if (exempt) {
    if (exempt->empty()) return BadField("exempt", "must name a saved segment");
    p.exempt = *exempt;
  }
  if (const Json* g = f.Get("global_control")) {
    TAGLOOP_ASSIGN_OR_RETURN(JsonFields gf, JsonFields::Of(*g, "global_control", {"share", "salt"}));
    GlobalControl gc;
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<double> share, gf.OptNumber("share", 0, 1));
    if (!share) return MissingField("global_control.share");
    if (*share >= 1) return BadField("global_control.share", "must be below 1");
    gc.share = *share;
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> salt, gf.OptString("salt"));
    gc.salt = salt.value_or("");
    p.global_control = std::move(gc);
  }
  return p;
}

Json SuppressionPolicy::ToJson() const {
  Json j = Json::object();
  if (!blacklist.empty()) j["blacklist"] = blacklist;
  if (!caps.empty()) {
    Json a = Json::array();
    for (const FrequencyCap& c : caps) a.push_back({{"channels", ChannelsJson(c.channels)}, {"max", c.max}, {"days", c.days}});
    j["caps"] = std::move(a);
  }
  if (quiet_hours) {
    j["quiet_hours"] = {{"from", FormatMinuteOfDay(quiet_hours->from_minute)},
                        {"to", FormatMinuteOfDay(quiet_hours->to_minute)},
                        {"mode", quiet_hours->mode == QuietHours::Mode::kDrop ? "drop" : "defer"}};
  }
  if (!opt_out.empty()) j["opt_out"] = opt_out;
  j["dedup_by_theme"] = dedup_by_theme;
  if (touched_recently) {
    j["touched_recently"] = {{"days", touched_recently->days}, {"channels", ChannelsJson(touched_recently->channels)}};
  }
  if (!exempt.empty()) j["exempt"] = exempt;
  if (global_control) j["global_control"] = {{"share", global_control->share}, {"salt", global_control->salt}};
  return j;
}

Status SuppressionPolicy::ValidateOverrides(const Json& overrides) {
  SuppressionPolicy scratch;
  return scratch.WithOverrides(overrides).status();
}

Result<SuppressionPolicy> SuppressionPolicy::WithOverrides(const Json& overrides) const {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(overrides, "policy", {"caps", "quiet_hours",
                                                                             "dedup_by_theme", "touched_recently"}));
  SuppressionPolicy p = *this;
  TAGLOOP_RETURN_IF_ERROR(ApplyOverridable(f, p));
  return p;
}

std::string SuppressionPolicy::OptOutExpression(std::string_view channel) const {
  std::vector<std::string> parts;
  for (const auto& [name, expr] : opt_out) {
    if (name == "*" || name == channel) parts.push_back(fmt::format("({})", expr));
  }
  return fmt::format("{}", fmt::join(parts, " OR "));
}

}  // namespace tagloop::outreach
