// The `wechat_template` channel: WeChat Official Account template messages
// by the contract's flow ("WeChat Official Account template messages").
// Settings: `appid`, `template_id`, optional `base_url` (default
// https://api.weixin.qq.com), `url` (the message's link), `quota_pause_ms`
// (how long 45009 pauses the channel; default 600000); secret `appsecret`.
// The address is the recipient's openid. Content: {"data": {key: value or
// {"value", "color"?}}, "url"?} or, without "data", its top-level keys as
// the data.
//
// One access token serves every send until it expires (expires_in, less a
// minute) or WeChat answers 40001/42001: then it is fetched again, once per
// batch, and those messages are sent again. errcode 0 sent (gateway id:
// msgid); 43004, 40003, 40037 permanent; 45009 transient and pauses the
// channel; -1 and other 45xxx transient; other codes permanent. The token
// and the appsecret appear in no error.
#pragma once

#include <chrono>
#include <memory>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

class WechatTemplateChannel : public Channel {
 public:
  static Result<std::unique_ptr<Channel>> Create(ChannelSpec spec);
  std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) override;
  // Token fetches so far (for tests).
  int token_fetches() const { return token_fetches_; }

 private:
  explicit WechatTemplateChannel(ChannelSpec spec) : Channel(std::move(spec)) {}
  // Fetches a token; an error text (never the secret) when it could not.
  std::string FetchToken();
  SendOutcome Classify(const HttpResponse& a, bool* token_error) const;
  std::string Body(const OutgoingMessage& m) const;

  std::unique_ptr<HttpClient> http_;
  std::string base_url_, appid_, appsecret_, template_id_, link_;
  int64_t quota_pause_ms_ = 600000;
  std::string token_;
  std::chrono::steady_clock::time_point token_expiry_{};
  int token_fetches_ = 0;
};

}  // namespace tagloop::outreach
