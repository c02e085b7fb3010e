#include "outreach/channels/sms_channel.h"

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
  TAGLOOP_ASSIGN_OR_RETURN(c->http_, HttpClient::Create());
  return std::unique_ptr<Channel>(std::move(c));
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
    nlohmann::ordered_json body = {{"PhoneNumbers", m.address},
                                   {"SignName", sign_name_},
                                   {"TemplateCode", template_code_},
                                   {"TemplateParam", params.dump()},
                                   {"OutId", m.message_id}};
    requests.push_back(SignedJsonPost(url_, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                      m.message_id, secret_, spec_.timeout_ms));
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
