// The `wecom_bot` channel: WeCom (企业微信) group-bot messages, one per
// recipient (a staff group's to-do, e.g. a store's members to call), to
// the bot's webhook `url` (…/cgi-bin/webhook/send?key=…; the key is a
// secret of sorts: never in errors). Settings: `url`, optional `msgtype`
// ("markdown", the default, or "text"). Content: {"content": "...",
// "mentioned_list"?: [...]} (text ≤ 2048 bytes, markdown ≤ 4096). A bot
// takes 20 messages a minute: the lane's rate is held at or below that.
// errcode 0 sent; 130101 (over the rate) transient; 93000-range and
// parameter errors (40000-range) permanent; others transient.
#pragma once

#include <memory>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

class WecomBotChannel : public Channel {
 public:
  static constexpr double kMessagesPerMinute = 20;
  static Result<std::unique_ptr<Channel>> Create(ChannelSpec spec);
  double MaxRatePerSecond() const override;
  std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) override;

 private:
  explicit WecomBotChannel(ChannelSpec spec) : Channel(std::move(spec)) {}
  std::unique_ptr<HttpClient> http_;
  std::string url_, msgtype_;
};

}  // namespace tagloop::outreach
