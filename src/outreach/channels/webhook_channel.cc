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
  // The bytes nlohmann's dump of the ordered object gives, without copying
  // the content into one first (a deep copy per message).
  const auto text = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string body = "{\"message_id\":";
  body += text(m.message_id);
  body += ",\"campaign_id\":";
  body += text(m.campaign_id);
  body += ",\"step\":";
  body += text(m.step);
  body += ",\"user_id\":";
  body += text(m.external_user_id);
  body += ",\"channel\":";
  body += text(channel_name);
  body += ",\"content\":";
  body += m.content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  body += '}';
  return body;
}

std::vector<SendOutcome> WebhookChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<HttpRequest> requests;
  std::vector<size_t> index;
  for (size_t i = 0; i < batch.size(); ++i) {
    requests.push_back(SignedJsonPost(url_, Body(batch[i], spec_.name), batch[i].message_id, secret_, spec_.timeout_ms));
    index.push_back(i);
  }
  std::vector<SendOutcome> out(batch.size());
  PerformInto(*http_, requests, index, max_parallel, out, ClassifyHttp);
  return out;
}

}  // namespace tagloop::outreach
