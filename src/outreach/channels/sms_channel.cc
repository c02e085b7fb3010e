#include "outreach/channels/sms_channel.h"

#include <chrono>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include "outreach/channels/aliyun_rpc.h"
#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> SmsChannel::Create(ChannelSpec spec) {
  std::unique_ptr<SmsChannel> c(new SmsChannel(spec));
  TAGLOOP_ASSIGN_OR_RETURN(c->url_, RequiredSetting(spec, "url"));
  TAGLOOP_RETURN_IF_ERROR(CheckUrl(spec, "url", c->url_));
  TAGLOOP_ASSIGN_OR_RETURN(c->sign_name_, RequiredSetting(spec, "sign_name"));
  TAGLOOP_ASSIGN_OR_RETURN(c->template_code_, RequiredSetting(spec, "template_code"));
  auto secret = spec.secrets.find("secret");
  if (secret != spec.secrets.end()) c->secret_ = secret->second;
  TAGLOOP_ASSIGN_OR_RETURN(std::string signing, OptionalSetting(spec, "signing", ""));
  if (signing == "aliyun_rpc") {
    c->aliyun_ = true;
    TAGLOOP_ASSIGN_OR_RETURN(c->access_key_id_, RequiredSetting(spec, "access_key_id"));
    TAGLOOP_ASSIGN_OR_RETURN(c->access_key_secret_, RequiredSecret(spec, "access_key_secret"));
    TAGLOOP_ASSIGN_OR_RETURN(c->region_id_, OptionalSetting(spec, "region_id", "cn-hangzhou"));
  } else if (!signing.empty()) {
    return SettingError(spec, "settings.signing must be \"aliyun_rpc\" or absent");
  }
  TAGLOOP_ASSIGN_OR_RETURN(c->http_, HttpClient::Create());
  return std::unique_ptr<Channel>(std::move(c));
}

HttpRequest SmsChannel::AliyunRequest(const OutgoingMessage& m, const std::string& template_param) const {
  // Each request needs its own nonce (Aliyun refuses a nonce seen in the
  // last 15 minutes) and the time it was signed, so a retry signs again.
  thread_local std::mt19937_64 random(std::random_device{}());
  const std::string nonce = fmt::format("{:016x}{:016x}", random(), random());
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char timestamp[32];
  std::strftime(timestamp, sizeof timestamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  const std::map<std::string, std::string> params = {{"AccessKeyId", access_key_id_},
                                                     {"Action", "SendSms"},
                                                     {"Format", "JSON"},
                                                     {"OutId", m.message_id},
                                                     {"PhoneNumbers", m.address},
                                                     {"RegionId", region_id_},
                                                     {"SignName", sign_name_},
                                                     {"SignatureMethod", "HMAC-SHA1"},
                                                     {"SignatureNonce", nonce},
                                                     {"SignatureVersion", "1.0"},
                                                     {"TemplateCode", template_code_},
                                                     {"TemplateParam", template_param},
                                                     {"Timestamp", timestamp},
                                                     {"Version", "2017-05-25"}};
  HttpRequest r;
  r.url = url_;
  r.timeout_ms = static_cast<long>(spec_.timeout_ms);
  r.headers = {"Content-Type: application/x-www-form-urlencoded"};
  r.body = AliyunSignedQuery("POST", params, access_key_secret_);
  return r;
}

std::vector<SendOutcome> SmsChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<HttpRequest> requests;
  std::vector<size_t> sent_index;
  std::vector<SendOutcome> out(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const OutgoingMessage& m = batch[i];
    if (m.address.empty()) {
      out[i] = SendOutcome::Permanent("no_address");
      continue;
    }
    // TemplateParam is a JSON string of string values.
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    if (m.content.is_object()) {
      for (auto it = m.content.begin(); it != m.content.end(); ++it) {
        params[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
      }
    }
    const std::string template_param = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (aliyun_) {
      requests.push_back(AliyunRequest(m, template_param));
    } else {
      nlohmann::ordered_json body = {{"PhoneNumbers", m.address},
                                     {"SignName", sign_name_},
                                     {"TemplateCode", template_code_},
                                     {"TemplateParam", template_param},
                                     {"OutId", m.message_id}};
      requests.push_back(SignedJsonPost(url_, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                        m.message_id, secret_, spec_.timeout_ms));
    }
    sent_index.push_back(i);
  }
  PerformInto(*http_, requests, sent_index, max_parallel, out, [](const HttpResponse& a) {
    SendOutcome o = ClassifyHttp(a);
    if (o.kind != SendOutcome::Kind::kSent) return o;
    nlohmann::json j = nlohmann::json::parse(a.body, nullptr, false);
    const std::string code = j.is_object() && j.value("Code", nlohmann::json()).is_string() ? j["Code"].get<std::string>() : "";
    if (code == "OK") {
      return SendOutcome::Sent(j.value("BizId", nlohmann::json("")).is_string() ? j["BizId"].get<std::string>() : "");
    }
    if (code == "isv.BUSINESS_LIMIT_CONTROL" || code == "isp.SYSTEM_ERROR") return SendOutcome::Transient("SMS " + code);
    return SendOutcome::Permanent(code.empty() ? "SMS: an answer without Code" : "SMS " + code);
  });
  return out;
}

}  // namespace tagloop::outreach
