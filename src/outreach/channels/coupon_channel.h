// The `coupon` channel: one signed JSON POST per recipient to a
// coupon-issuing API. Settings: `url`, `coupon_batch` (which coupon to
// issue), optional `coupon_id_field` (default "coupon_id"); secret `secret`.
// Body: {"message_id","campaign_id","user_id","coupon_batch","content"};
// headers as the webhook's (Idempotency-Key, X-Tagloop-Signature). 2xx is
// sent with the answer's coupon id as the gateway id (the caller writes a
// `coupon_issued` event from it); 429/5xx/time-out transient; other 4xx
// permanent.
#pragma once

#include <memory>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

class CouponChannel : public Channel {
 public:
  static Result<std::unique_ptr<Channel>> Create(ChannelSpec spec);
  std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) override;

 private:
  explicit CouponChannel(ChannelSpec spec) : Channel(std::move(spec)) {}
  std::unique_ptr<HttpClient> http_;
  std::string url_, batch_, id_field_, secret_;
};

}  // namespace tagloop::outreach
