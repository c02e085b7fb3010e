#include "app/send_renderer.h"

#include <fmt/format.h>

#include "core/date.h"
#include "segment/segment.h"
#include "outreach/message_id.h"
#include "source/sql_template.h"

namespace tagloop {
namespace {

constexpr std::string_view kBuiltinFields[] = {"user_id", "address", "message_id", "campaign",
                                                "campaign_id"};
constexpr int64_t kProfileRefreshMs = 5'000;

Days BusinessToday(WallClock* clock, int utc_offset_minutes) {
  return DaysFromUnixSeconds(clock->NowUnixSeconds() + int64_t{utc_offset_minutes} * 60);
}

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

}  // namespace

bool IsBuiltinContentField(std::string_view field) {
  for (std::string_view f : kBuiltinFields) {
    if (f == field) return true;
  }
  return false;
}

Result<outreach::ContentTemplate> CompileContent(const nlohmann::json& content, const Snapshot& snapshot) {
  return outreach::ContentTemplate::Compile(content, [&snapshot](std::string_view field) {
    return IsBuiltinContentField(field) || snapshot.FindTag(field) != nullptr;
  });
}

Result<std::unique_ptr<SendRenderer>> SendRenderer::Make(const SendRendererParts& parts, std::string campaign_id,
                                                        const outreach::Campaign& campaign,
                                                        const outreach::ChannelSpec& channel,
                                                        outreach::SuppressionPolicy policy) {
  std::unique_ptr<SendRenderer> r(new SendRenderer());
  r->parts_ = parts;
  r->campaign_id_ = std::move(campaign_id);
  r->campaign_ = campaign;
  r->channel_ = channel;
  r->policy_ = std::move(policy);
  std::shared_ptr<const Snapshot> snapshot = parts.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(outreach::ContentTemplate content, CompileContent(campaign.content, *snapshot));
  r->content_ = std::move(content);
  if (const auto it = channel.settings.find("address"); it != channel.settings.end() && !it->is_null()) {
    if (!it->is_object() || !it->contains("source") || !it->contains("query") || !(*it)["source"].is_string() ||
        !(*it)["query"].is_string()) {
      return Status::InvalidArgument(
          fmt::format("channel '{}': address must be {{\"source\": NAME, \"query\": SQL}}", channel.name));
    }
    r->address_source_ = (*it)["source"].get<std::string>();
    r->address_query_ = (*it)["query"].get<std::string>();
  }
  return r;
}

SendRenderer::~SendRenderer() = default;

Status SendRenderer::RefreshSets(int64_t now_ms) {
  if (sets_at_ms_ != INT64_MIN && now_ms - sets_at_ms_ < parts_.refresh_ms) return Status::Ok();
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  SegmentQueryOptions q;
  q.as_of = BusinessToday(parts_.clock, parts_.utc_offset_minutes);
  q.segments = parts_.segments;
  const auto evaluate = [&](const std::string& expr) -> Result<std::optional<Bitmap>> {
    if (expr.empty()) return std::optional<Bitmap>();
    TAGLOOP_ASSIGN_OR_RETURN(Bitmap users, EvaluateSegment(*snapshot, expr, q));
    return std::optional<Bitmap>(std::move(users));
  };
  TAGLOOP_ASSIGN_OR_RETURN(blacklist_, evaluate(policy_.blacklist));
  TAGLOOP_ASSIGN_OR_RETURN(opt_out_, evaluate(policy_.OptOutExpression(channel_.name)));
  sets_at_ms_ = now_ms;
  return Status::Ok();
}

Status SendRenderer::RefreshProfiles(int64_t now_ms) {
  if (profiles_ && now_ms - profiles_at_ms_ < kProfileRefreshMs) return Status::Ok();
  TAGLOOP_ASSIGN_OR_RETURN(profiles_, ProfileReader::Open(parts_.store->snapshot()));
  profiles_at_ms_ = now_ms;
  return Status::Ok();
}

// The reason `user` must not be sent to now, or "".
std::string SendRenderer::SuppressionAt(uint32_t user, int64_t now_ms) const {
  // In the order planning applies them.
  if (blacklist_ && blacklist_->Contains(user)) return "blacklist";
  if (opt_out_ && opt_out_->Contains(user)) return "opt_out";
  const bool marketing = campaign_.campaign_class == outreach::CampaignClass::kMarketing;
  if (marketing && parts_.touches != nullptr) {
    for (const outreach::FrequencyCap& cap : policy_.caps) {
      if (!cap.channels.Contains(channel_.name)) continue;
      if (parts_.touches->CountFor(user, cap.channels, int64_t{cap.days} * 24, now_ms) >= cap.max) {
        return "frequency_cap";
      }
    }
  }
  if (marketing && policy_.quiet_hours && policy_.quiet_hours->mode == outreach::QuietHours::Mode::kDrop &&
      policy_.quiet_hours->NextAllowedMs(now_ms, parts_.utc_offset_minutes) != now_ms) {
    return "quiet_hours";
  }
  return {};
}

Result<std::unordered_map<std::string, std::string>> SendRenderer::Addresses(
    const std::vector<std::string>& external_ids) {
  std::unordered_map<std::string, std::string> out;
  if (address_source_.empty() || external_ids.empty()) return out;
  if (!source_) {
    TAGLOOP_ASSIGN_OR_RETURN(SourceSpec spec, parts_.sources->Get(address_source_));
    TAGLOOP_ASSIGN_OR_RETURN(source_, OpenSource(spec, parts_.data_dir));
  }
  TableQuery query;
  TAGLOOP_ASSIGN_OR_RETURN(query.pieces,
                           ExpandTableTemplate(address_query_, "recipients",
                                               BusinessToday(parts_.clock, parts_.utc_offset_minutes)));
  std::vector<std::string_view> ids(external_ids.begin(), external_ids.end());
  query.ids = ids;
  query.max_rows = external_ids.size() * 4 + 16;
  RunControl control;
  control.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(channel_.timeout_ms);
  Result<TableResult> result = source_->QueryTable(query, control);
  if (!result.ok()) {
    source_.reset();  // reconnect next time
    return result.status();
  }
  if (result->columns.size() < 2) {
    return Status::InvalidArgument(fmt::format(
        "channel '{}': the address query must return (user_id, address); it returns {} column(s)", channel_.name,
        result->columns.size()));
  }
  for (const std::vector<TableCell>& row : result->rows) {
    if (row[0].kind == TableCell::Kind::kNull || row[1].kind == TableCell::Kind::kNull || row[1].text.empty()) continue;
    out.emplace(row[0].text, row[1].text);  // the first address of a user wins
  }
  return out;
}

void SendRenderer::RenderContent(uint32_t user, outreach::RenderResult& r, const Profile* profile,
                                 const std::string& message_id) {
  r.content = content_->Render([&](std::string_view field) -> std::string {
    if (field == "user_id") return r.external_user_id;
    if (field == "address") return r.address;
    if (field == "message_id") return message_id;
    if (field == "campaign") return campaign_.name;
    if (field == "campaign_id") return campaign_id_;
    if (profile == nullptr) return {};
    for (const auto& [name, value] : profile->tags) {
      if (name == field) return JoinValues(value.values);
    }
    return {};
  });
}

std::vector<outreach::RenderResult> SendRenderer::Render(const std::vector<uint32_t>& users, std::string_view step,
                                                        uint32_t occurrence) {
  std::lock_guard lock(mu_);
  std::vector<outreach::RenderResult> out(users.size());
  const int64_t now_ms = parts_.clock->NowUnixMillis();
  const auto fail_all = [&](const Status& st) {
    for (outreach::RenderResult& r : out) r.retry_error = st.message();
    return out;
  };
  if (Status st = RefreshSets(now_ms); !st.ok()) return fail_all(st);
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  Result<const UserDictionary*> dictionary = snapshot->dictionary();
  if (!dictionary.ok()) return fail_all(dictionary.status());
  std::vector<std::string> wanted;
  for (size_t i = 0; i < users.size(); ++i) {
    out[i].external_user_id = std::string((*dictionary)->ExternalId(users[i]));
    out[i].suppressed = SuppressionAt(users[i], now_ms);
    if (out[i].suppressed.empty()) wanted.push_back(out[i].external_user_id);
  }
  Result<std::unordered_map<std::string, std::string>> addresses = Addresses(wanted);
  if (!addresses.ok()) return fail_all(addresses.status());
  const bool needs_profile = content_->fields().size() > 0;
  if (needs_profile) {
    if (Status st = RefreshProfiles(now_ms); !st.ok()) return fail_all(st);
  }
  Profile profile;
  const Days today = BusinessToday(parts_.clock, parts_.utc_offset_minutes);
  for (size_t i = 0; i < users.size(); ++i) {
    outreach::RenderResult& r = out[i];
    if (!r.suppressed.empty()) continue;
    if (!address_source_.empty()) {
      const auto it = addresses->find(r.external_user_id);
      if (it == addresses->end()) {
        r.suppressed = "no_address";
        continue;
      }
      r.address = it->second;
    }
    const bool found = needs_profile && profiles_->Lookup(r.external_user_id, today, &profile).ok();
    RenderContent(users[i], r, found ? &profile : nullptr,
                  outreach::MessageId(campaign_id_, step, r.external_user_id, occurrence));
  }
  return out;
}

Result<std::vector<outreach::RenderResult>> SendRenderer::Preview(const std::vector<uint32_t>& users) {
  std::lock_guard lock(mu_);
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::vector<outreach::RenderResult> out(users.size());
  std::vector<std::string> ids;
  for (size_t i = 0; i < users.size(); ++i) {
    out[i].external_user_id = std::string(dictionary->ExternalId(users[i]));
    ids.push_back(out[i].external_user_id);
  }
  TAGLOOP_ASSIGN_OR_RETURN(auto addresses, Addresses(ids));
  TAGLOOP_RETURN_IF_ERROR(RefreshProfiles(parts_.clock->NowUnixMillis()));
  Profile profile;
  const Days today = BusinessToday(parts_.clock, parts_.utc_offset_minutes);
  for (size_t i = 0; i < users.size(); ++i) {
    outreach::RenderResult& r = out[i];
    if (const auto it = addresses.find(r.external_user_id); it != addresses.end()) r.address = it->second;
    const bool found = profiles_->Lookup(r.external_user_id, today, &profile).ok();
    RenderContent(users[i], r, found ? &profile : nullptr,
                  outreach::MessageId(campaign_id_, "send", r.external_user_id, 0));
  }
  return out;
}

}  // namespace tagloop
