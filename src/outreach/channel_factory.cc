#include "outreach/channel_factory.h"

#include "outreach/channels/channel_util.h"
#include "outreach/channels/coupon_channel.h"
#include "outreach/channels/email_channel.h"
#include "outreach/channels/sms_channel.h"
#include "outreach/channels/webhook_channel.h"
#include "outreach/channels/wechat_template_channel.h"
#include "outreach/channels/wecom_bot_channel.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> MakeChannel(const ChannelSpec& spec) {
  if (!(spec.rate_per_second > 0)) return SettingError(spec, "rate_per_second must be above 0");
  if (spec.concurrency < 1 || spec.concurrency > 1024) return SettingError(spec, "concurrency must be 1..1024");
  if (spec.max_attempts < 1 || spec.max_attempts > 100) return SettingError(spec, "max_attempts must be 1..100");
  if (spec.timeout_ms <= 0) return SettingError(spec, "timeout_ms must be above 0");
  if (spec.kind == "webhook") return WebhookChannel::Create(spec);
  if (spec.kind == "sms") return SmsChannel::Create(spec);
  if (spec.kind == "email") return EmailChannel::Create(spec);
  if (spec.kind == "wechat_template") return WechatTemplateChannel::Create(spec);
  if (spec.kind == "wecom_bot") return WecomBotChannel::Create(spec);
  if (spec.kind == "coupon") return CouponChannel::Create(spec);
  return SettingError(spec, "kind must be one of webhook, sms, email, wechat_template, wecom_bot, coupon");
}

}  // namespace tagloop::outreach
