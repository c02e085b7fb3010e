#include "outreach/channel_store.h"

#include <fmt/format.h>

#include <set>

namespace tagloop::outreach {

namespace {

constexpr std::string_view kCommonKeys[] = {"kind", "rate_per_second", "concurrency", "max_attempts", "timeout_ms"};

// Fields each kind needs (secrets included).
std::vector<std::string_view> RequiredFields(std::string_view kind) {
  if (kind == "webhook" || kind == "coupon") return {"url", "secret"};
  if (kind == "sms") return {"url", "address"};
  if (kind == "email") return {"smtp_url", "from", "address"};
  if (kind == "wechat_template") return {"appid", "appsecret", "template_id", "address"};
  if (kind == "wecom_bot") return {"url"};
  return {};
}

Status ChannelNotFound(std::string_view name) {
  return Status::NotFound(fmt::format("no channel named '{}'", name))
      .With(ErrorReason::kNotFound, {{"kind", "channel"}, {"name", std::string(name)}});
}

Json SpecJson(const ChannelSpec& spec) {
  Json j = spec.settings;
  j["kind"] = spec.kind;
  j["rate_per_second"] = spec.rate_per_second;
  j["concurrency"] = spec.concurrency;
  j["max_attempts"] = spec.max_attempts;
  j["timeout_ms"] = spec.timeout_ms;
  return j;
}

}  // namespace

bool IsSecretKey(std::string_view key) {
  return key == "secret" || key == "appsecret" || key == "password" || key.ends_with("_secret") ||
         key.ends_with("_password");
}

Result<ChannelSpec> ChannelFromJson(std::string_view name, const Json& j) {
  if (!IsOutreachName(name)) return BadField("name", "1 to 64 characters of a-z, 0-9 and _");
  if (!j.is_object()) return BadField("body", "must be an object");
  ChannelSpec spec;
  spec.name = std::string(name);
  const auto it = j.find("kind");
  if (it == j.end() || it->is_null()) return MissingField("kind");
  if (!it->is_string()) return BadField("kind", "must be a string");
  spec.kind = it->get<std::string>();
  bool known = false;
  for (const char* k : kChannelKinds) known = known || spec.kind == k;
  if (!known) {
    return BadField("kind", fmt::format("unknown kind '{}' (expected one of: {})", spec.kind,
                                        fmt::join(std::begin(kChannelKinds), std::end(kChannelKinds), ", ")));
  }
  // The common keys through the strict reader; the rest are the kind's.
  Json common = Json::object();
  for (const auto& [key, value] : j.items()) {
    bool is_common = false;
    for (std::string_view c : kCommonKeys) is_common = is_common || key == c;
    if (is_common) {
      common[key] = value;
    } else if (IsSecretKey(key)) {
      if (!value.is_string() || value.get<std::string>().empty()) return BadField(key, "must be a non-empty string");
      spec.secrets[key] = value.get<std::string>();
    } else if (key == "secrets_set") {
      continue;  // what Describe answers; harmless when sent back
    } else {
      spec.settings[key] = value;
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(common, "", {"kind", "rate_per_second", "concurrency",
                                                                    "max_attempts", "timeout_ms"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<double> rate, f.OptNumber("rate_per_second", 0.001, 1e6));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> concurrency, f.OptInt("concurrency", 1, 1000));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> attempts, f.OptInt("max_attempts", 1, 20));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> timeout, f.OptInt("timeout_ms", 100, 600'000));
  spec.rate_per_second = rate.value_or(spec.rate_per_second);
  spec.concurrency = static_cast<int>(concurrency.value_or(spec.concurrency));
  spec.max_attempts = static_cast<int>(attempts.value_or(spec.max_attempts));
  spec.timeout_ms = timeout.value_or(spec.timeout_ms);
  return spec;
}

Json DescribeChannel(const ChannelSpec& spec) {
  Json j = SpecJson(spec);
  j["name"] = spec.name;
  Json set = Json::array();
  for (const auto& [key, _] : spec.secrets) set.push_back(key);
  j["secrets_set"] = std::move(set);
  return j;
}

Result<std::unique_ptr<ChannelStore>> ChannelStore::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<ChannelStore>(new ChannelStore(std::move(db), clock));
}

Status ChannelStore::Put(const ChannelSpec& spec, std::string_view actor) {
  if (!IsOutreachName(spec.name)) return BadField("name", "1 to 64 characters of a-z, 0-9 and _");
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  std::map<std::string, std::string> secrets = spec.secrets;
  Result<ChannelSpec> old = GetLocked(spec.name, true);
  if (!old.ok() && old.status().code() != Status::Code::kNotFound) return old.status();
  if (old.ok() && old->kind == spec.kind) {
    for (const auto& [key, value] : old->secrets) secrets.emplace(key, value);  // omitted: kept
  }
  for (std::string_view field : RequiredFields(spec.kind)) {
    if (IsSecretKey(field) ? !secrets.contains(std::string(field)) : !spec.settings.contains(field)) {
      return MissingField(field);
    }
  }
  const int64_t now = clock_->NowUnixMillis();
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare("INSERT INTO channels (name, kind, spec_json, secrets_json, created_by, created_ms, "
                                "updated_by, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6) ON CONFLICT (name) "
                                "DO UPDATE SET kind = excluded.kind, spec_json = excluded.spec_json, secrets_json = "
                                "excluded.secrets_json, updated_by = excluded.updated_by, updated_ms = "
                                "excluded.updated_ms"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, spec.name)
                              .Bind(2, spec.kind)
                              .Bind(3, SpecJson(spec).dump())
                              .Bind(4, Json(secrets).dump())
                              .Bind(5, actor)
                              .Bind(6, now)
                              .Run());
  return tx.Commit();
}

Result<ChannelSpec> ChannelStore::GetLocked(std::string_view name, bool with_secrets) {
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(with_secrets
                                                         ? "SELECT spec_json, secrets_json FROM channels WHERE name = ?1"
                                                         : "SELECT spec_json, NULL FROM channels WHERE name = ?1"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, name).Step());
  if (!row) return ChannelNotFound(name);
  Json spec = Json::parse(q.Text(0), nullptr, false);
  if (spec.is_discarded()) return Status::Corruption(fmt::format("channel '{}': stored spec is not JSON", name));
  Result<ChannelSpec> out = ChannelFromJson(name, spec);
  if (!out.ok()) return Status::Corruption(fmt::format("channel '{}': stored spec: {}", name, out.status().message()));
  if (with_secrets) {
    Json secrets = Json::parse(q.Text(1), nullptr, false);
    if (!secrets.is_object()) return Status::Corruption(fmt::format("channel '{}': stored secrets", name));
    for (const auto& [key, value] : secrets.items()) {
      if (value.is_string()) out->secrets[key] = value.get<std::string>();
    }
  }
  return out;
}

Result<ChannelSpec> ChannelStore::Get(std::string_view name) {
  std::lock_guard lock(mu_);
  return GetLocked(name, true);
}

Result<Json> ChannelStore::Describe(std::string_view name) {
  std::lock_guard lock(mu_);
  // The secret names, never their values: read the keys only.
  TAGLOOP_ASSIGN_OR_RETURN(ChannelSpec spec, GetLocked(name, true));
  for (auto& [key, value] : spec.secrets) value.clear();
  return DescribeChannel(spec);
}

Result<std::vector<Json>> ChannelStore::List() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT name FROM channels ORDER BY name"));
  std::vector<std::string> names;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    names.push_back(q.Text(0));
  }
  std::vector<Json> out;
  for (const std::string& name : names) {
    TAGLOOP_ASSIGN_OR_RETURN(ChannelSpec spec, GetLocked(name, true));
    for (auto& [key, value] : spec.secrets) value.clear();
    out.push_back(DescribeChannel(spec));
  }
  return out;
}

Status ChannelStore::Delete(std::string_view name) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("DELETE FROM channels WHERE name = ?1"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, name).Run());
  if (db_->Changes() == 0) return ChannelNotFound(name);
  return Status::Ok();
}

}  // namespace tagloop::outreach
