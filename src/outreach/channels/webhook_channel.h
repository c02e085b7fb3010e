// The `webhook` channel: one signed JSON POST per recipient, exactly as the
// contract's "The webhook a gateway receives" says (settings `url`, secret
// `secret`). 2xx sent; 429, 5xx, time-out, broken connection transient;
// other statuses permanent.
#pragma once

#include <memory>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

class WebhookChannel : public Channel {
 public:
  // InvalidArgument naming the field: settings.url (http/https), secret `secret`.
  static Result<std::unique_ptr<Channel>> Create(ChannelSpec spec);
  std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) override;

  // The body a message is sent with: {"message_id","campaign_id","step",
  // "user_id","channel","content"} in that order, no spaces; the same bytes
  // for every attempt of one message.
  static std::string Body(const OutgoingMessage& m, const std::string& channel_name);

 private:
  WebhookChannel(ChannelSpec spec, std::unique_ptr<HttpClient> http, std::string url, std::string secret)
      : Channel(std::move(spec)), http_(std::move(http)), url_(std::move(url)), secret_(std::move(secret)) {}
  std::unique_ptr<HttpClient> http_;
  std::string url_, secret_;
};

}  // namespace tagloop::outreach
