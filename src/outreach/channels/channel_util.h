// What the HTTP channels share: reading and checking settings (errors name
// the channel and the field, never a secret's value), the HMAC signature,
// and the contract's classification of HTTP answers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

// settings[field] as a non-empty string; InvalidArgument naming the field
// when it is missing or not a string.
Result<std::string> RequiredSetting(const ChannelSpec& spec, const char* field);
// settings[field] when present (a string), else `fallback`.
Result<std::string> OptionalSetting(const ChannelSpec& spec, const char* field, std::string fallback);
// secrets[field], non-empty; the error names the field only.
Result<std::string> RequiredSecret(const ChannelSpec& spec, const char* field);
// InvalidArgument naming `field` unless `url` starts with one of the schemes
// ("http://", "https://" by default) and has a host.
Status CheckUrl(const ChannelSpec& spec, const char* field, const std::string& url,
                std::initializer_list<std::string_view> schemes = {"http://", "https://"});
// "channel 'name' (kind): " + message.
Status SettingError(const ChannelSpec& spec, const std::string& message);

// Lower-case hex of HMAC-SHA256(key, data).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// The contract's reading of an HTTP answer: 2xx sent; 429, 5xx, a time-out
// or a broken connection transient; any other status permanent. A
// transient answer's Retry-After (429, 503) becomes its retry_after_ms.
SendOutcome ClassifyHttp(const HttpResponse& response);
// The wait a Retry-After value asks for, in ms from `now_ms` (Unix ms):
// delay-seconds, or an HTTP date in any of the three forms RFC 9110 §5.6.7
// requires a recipient to accept (a past date is 0). -1 when it is neither.
// At most a year.
int64_t ParseRetryAfter(std::string_view value, int64_t now_ms);

// The contract's signed JSON POST: Content-Type application/json,
// Idempotency-Key: <message_id>, and X-Tagloop-Signature: sha256=<hex
// HMAC-SHA256 of the body keyed with `secret`> (no signature when `secret`
// is empty).
HttpRequest SignedJsonPost(const std::string& url, std::string body, const std::string& message_id,
                           const std::string& secret, int64_t timeout_ms);

// Runs `requests` (request k answers for message index[k]) and sets
// out[index[k]] = read(answer k); when the client fails as a whole each of
// them is a transient outcome.
void PerformInto(HttpClient& http, const std::vector<HttpRequest>& requests, const std::vector<size_t>& index,
                 int max_parallel, std::vector<SendOutcome>& out,
                 const std::function<SendOutcome(const HttpResponse&)>& read);

// Percent-encodes a query parameter value.
std::string UrlEncode(std::string_view value);

}  // namespace tagloop::outreach
