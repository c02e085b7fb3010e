#include "outreach/channels/webhook_channel.h"

#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> WebhookChannel::Create(ChannelSpec spec) {
  TAGLOOP_ASSIGN_OR_RETURN(std::string url, RequiredSetting(spec, "url"));
  TAGLOOP_RETURN_IF_ERROR(CheckUrl(spec, "url", url));
  TAGLOOP_ASSIGN_OR_RETURN(std::string secret, RequiredSecret(spec, "secret"));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create());
  return std::unique_ptr<Channel>(new WebhookChannel(std::move(spec), std::move(http), url, secret));
}

std::string WebhookChannel::Body(const OutgoingMessage& m, const std::string& channel_name) {
  nlohmann::ordered_json body;
  body["message_id"] = m.message_id;
  body["campaign_id"] = m.campaign_id;
  body["step"] = m.step;
  body["user_id"] = m.external_user_id;
  body["channel"] = channel_name;
  body["content"] = m.content;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<SendOutcome> WebhookChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<HttpRequest> requests(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    HttpRequest& r = requests[i];
    r.url = url_;
    r.body = Body(batch[i], spec_.name);
    r.timeout_ms = static_cast<long>(spec_.timeout_ms);
    r.headers = {"Content-Type: application/json", "Idempotency-Key: " + batch[i].message_id,
                 "X-Tagloop-Signature: sha256=" + HmacSha256Hex(secret_, r.body)};
  }
  Result<std::vector<HttpResponse>> answers = http_->Perform(requests, max_parallel);
  if (!answers.ok()) return AllTransient(batch.size(), answers.status().message());
  std::vector<SendOutcome> out;
  out.reserve(batch.size());
  for (const HttpResponse& a : *answers) out.push_back(ClassifyHttp(a));
  return out;
}

}  // namespace tagloop::outreach
