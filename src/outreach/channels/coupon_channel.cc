#include "outreach/channels/coupon_channel.h"

#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> CouponChannel::Create(ChannelSpec spec) {
  std::unique_ptr<CouponChannel> c(new CouponChannel(spec));
  TAGLOOP_ASSIGN_OR_RETURN(c->url_, RequiredSetting(spec, "url"));
  TAGLOOP_RETURN_IF_ERROR(CheckUrl(spec, "url", c->url_));
  TAGLOOP_ASSIGN_OR_RETURN(c->batch_, RequiredSetting(spec, "coupon_batch"));
  TAGLOOP_ASSIGN_OR_RETURN(c->id_field_, OptionalSetting(spec, "coupon_id_field", "coupon_id"));
  TAGLOOP_ASSIGN_OR_RETURN(c->secret_, RequiredSecret(spec, "secret"));
  TAGLOOP_ASSIGN_OR_RETURN(c->http_, HttpClient::Create());
  return std::unique_ptr<Channel>(std::move(c));
}

std::vector<SendOutcome> CouponChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<HttpRequest> requests;
  std::vector<size_t> index;
  for (size_t i = 0; i < batch.size(); ++i) {
    const OutgoingMessage& m = batch[i];
    nlohmann::ordered_json body = {{"message_id", m.message_id}, {"campaign_id", m.campaign_id},
                                   {"user_id", m.external_user_id}, {"coupon_batch", batch_},
                                   {"content", m.content}};
    requests.push_back(SignedJsonPost(url_, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                      m.message_id, secret_, spec_.timeout_ms));
    index.push_back(i);
  }
  std::vector<SendOutcome> out(batch.size());
  PerformInto(*http_, requests, index, max_parallel, out, [&](const HttpResponse& a) {
    SendOutcome o = ClassifyHttp(a);
    if (o.kind == SendOutcome::Kind::kSent) {
      nlohmann::json j = nlohmann::json::parse(a.body, nullptr, false);
      if (j.is_object() && j.contains(id_field_)) {
        o.gateway_id = j[id_field_].is_string() ? j[id_field_].get<std::string>() : j[id_field_].dump();
      }
    }
    return o;
  });
  return out;
}

}  // namespace tagloop::outreach
