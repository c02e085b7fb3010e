#include "outreach/channels/channel_util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace tagloop::outreach {

Status SettingError(const ChannelSpec& spec, const std::string& message) {
  return Status::InvalidArgument(fmt::format("channel '{}' ({}): {}", spec.name, spec.kind, message));
}

Result<std::string> RequiredSetting(const ChannelSpec& spec, const char* field) {
  auto it = spec.settings.find(field);
  if (it == spec.settings.end() || !it->is_string() || it->get<std::string>().empty()) {
    return SettingError(spec, fmt::format("settings.{} is required (a non-empty string)", field));
  }
  return it->get<std::string>();
}

Result<std::string> OptionalSetting(const ChannelSpec& spec, const char* field, std::string fallback) {
  auto it = spec.settings.find(field);
  if (it == spec.settings.end() || it->is_null()) return fallback;
  if (!it->is_string()) return SettingError(spec, fmt::format("settings.{} must be a string", field));
  return it->get<std::string>();
}

Result<std::string> RequiredSecret(const ChannelSpec& spec, const char* field) {
  auto it = spec.secrets.find(field);
  if (it == spec.secrets.end() || it->second.empty()) {
    return SettingError(spec, fmt::format("the secret '{}' is required", field));
  }
  return it->second;
}

Status CheckUrl(const ChannelSpec& spec, const char* field, const std::string& url,
                std::initializer_list<std::string_view> schemes) {
  for (std::string_view s : schemes) {
    if (url.size() > s.size() && url.compare(0, s.size(), s) == 0 && url[s.size()] != '/') return Status::Ok();
  }
  std::string names;
  for (std::string_view s : schemes) names += (names.empty() ? "" : " or ") + std::string(s);
  return SettingError(spec, fmt::format("settings.{} must be a URL starting with {}", field, names));
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 15];
  }
  return out;
}

SendOutcome ClassifyHttp(const HttpResponse& r) {
  if (!r.answered()) return SendOutcome::Transient(r.error);
  if (r.status >= 200 && r.status < 300) return SendOutcome::Sent();
  if (r.status == 429 || r.status >= 500) {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const int64_t wait_ms = r.retry_after.empty() ? -1 : ParseRetryAfter(r.retry_after, now_ms);
    return SendOutcome::Transient(fmt::format("HTTP {}", r.status), wait_ms);
  }
  return SendOutcome::Permanent(fmt::format("HTTP {}", r.status));
}

int64_t ParseRetryAfter(std::string_view value, int64_t now_ms) {
  constexpr int64_t kYearMs = int64_t{366} * 24 * 3600 * 1000;
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds * 1000 > kYearMs) return kYearMs;
    }
    return seconds * 1000;
  }
  // IMF-fixdate, then the obsolete RFC 850 and asctime forms; always GMT.
  const std::string text(value);
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end == nullptr || *end != '\0') continue;
    const int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
    return std::clamp<int64_t>(at_ms - now_ms, 0, kYearMs);
  }
  return -1;
}

HttpRequest SignedJsonPost(const std::string& url, std::string body, const std::string& message_id,
                           const std::string& secret, int64_t timeout_ms) {
  HttpRequest r;
  r.url = url;
  r.timeout_ms = static_cast<long>(timeout_ms);
  r.headers = {"Content-Type: application/json", "Idempotency-Key: " + message_id};
  if (!secret.empty()) r.headers.push_back("X-Tagloop-Signature: sha256=" + HmacSha256Hex(secret, body));
  r.body = std::move(body);
  return r;
}

void PerformInto(HttpClient& http, const std::vector<HttpRequest>& requests, const std::vector<size_t>& index,
                 int max_parallel, std::vector<SendOutcome>& out,
                 const std::function<SendOutcome(const HttpResponse&)>& read) {
  if (requests.empty()) return;
  Result<std::vector<HttpResponse>> answers = http.Perform(requests, max_parallel);
  for (size_t k = 0; k < index.size(); ++k) {
    out[index[k]] = answers.ok() ? read((*answers)[k]) : SendOutcome::Transient(answers.status().message());
  }
}

std::string UrlEncode(std::string_view v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace tagloop::outreach
