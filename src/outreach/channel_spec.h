// ChannelSpec: a named outreach channel as stored (`PUT /api/v1/channels/{name}`,
// table `channels` of the catalog database) and as the delivery engine builds
// it. Secrets (webhook/coupon `secret`, WeChat `appsecret`, SMTP and gateway
// passwords) live apart from the settings so that answers, logs, audit
// entries and errors can never carry them: whoever prints a ChannelSpec
// prints `settings` only. Contract: ../shared/SPEC-outreach.md, "Channels";
// design: docs/outreach.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace tagloop::outreach {

// The kinds the contract names; a stored kind outside this list is refused.
inline constexpr const char* kChannelKinds[] = {"webhook", "sms", "email", "wechat_template", "wecom_bot", "coupon"};

struct ChannelSpec {
  std::string name;  // [a-z0-9_]{1,64}
  std::string kind;  // one of kChannelKinds
  // Requests per second handed to the gateway (token bucket); contract default 100.
  double rate_per_second = 100;
  // Requests in flight at once; contract default 4.
  int concurrency = 4;
  // Attempts per recipient before it becomes a dead letter (transient errors only).
  int max_attempts = 5;
  // Per-request time-out.
  int64_t timeout_ms = 10000;
  // Kind-specific settings without secrets (url, smtp_url, from, base_url,
  // appid, template_id, gateway fields, address = {source, query}, ...).
  nlohmann::json settings = nlohmann::json::object();
  // Write-only secrets by key (secret, appsecret, password, ...).
  std::map<std::string, std::string> secrets;
};

}  // namespace tagloop::outreach
