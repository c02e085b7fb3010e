// The `sms` channel: one request per recipient to an SMS gateway with
// Aliyun SendSms's fields, as JSON: {"PhoneNumbers": <address>,
// "SignName", "TemplateCode", "TemplateParam": <the content object as a
// JSON string of strings>, "OutId": <message id>}. Settings: `url`,
// `sign_name`, `template_code`; optional secret `secret` signs the body
// like the webhook (X-Tagloop-Signature) for a relay that checks it.
// With `"signing": "aliyun_rpc"` the channel speaks Aliyun's SendSms RPC
// API itself: a POST of the form-encoded parameters (Action=SendSms,
// Version 2017-05-25, Format JSON, `region_id` default cn-hangzhou) signed
// with Aliyun's RPC signature (aliyun_rpc.h) from the setting
// `access_key_id` and the write-only secret `access_key_secret`; each
// attempt gets a fresh SignatureNonce and Timestamp.
// `Code` "OK" is sent (gateway id: BizId); "isv.BUSINESS_LIMIT_CONTROL",
// 429/5xx and time-outs are transient; any other code is permanent. SendSms
// is not idempotent: a time-out is retried with the same OutId, which a
// relay can de-duplicate (at least once, as the contract says).
#pragma once

#include <memory>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

class SmsChannel : public Channel {
 public:
  static Result<std::unique_ptr<Channel>> Create(ChannelSpec spec);
  std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) override;

 private:
  explicit SmsChannel(ChannelSpec spec) : Channel(std::move(spec)) {}
  // The signed SendSms request for one message (`"signing": "aliyun_rpc"`).
  HttpRequest AliyunRequest(const OutgoingMessage& m, const std::string& template_param) const;
  std::unique_ptr<HttpClient> http_;
  std::string url_, sign_name_, template_code_, secret_;
  bool aliyun_ = false;
  std::string access_key_id_, access_key_secret_, region_id_;
};

}  // namespace tagloop::outreach
