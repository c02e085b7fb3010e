#include "outreach/channels/wechat_template_channel.h"

#include <fmt/format.h>

#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> WechatTemplateChannel::Create(ChannelSpec spec) {
  std::unique_ptr<WechatTemplateChannel> c(new WechatTemplateChannel(spec));
  TAGLOOP_ASSIGN_OR_RETURN(c->base_url_, OptionalSetting(spec, "base_url", "https://api.weixin.qq.com"));
  TAGLOOP_RETURN_IF_ERROR(CheckUrl(spec, "base_url", c->base_url_));
  while (!c->base_url_.empty() && c->base_url_.back() == '/') c->base_url_.pop_back();
  TAGLOOP_ASSIGN_OR_RETURN(c->appid_, RequiredSetting(spec, "appid"));
  TAGLOOP_ASSIGN_OR_RETURN(c->template_id_, RequiredSetting(spec, "template_id"));
  TAGLOOP_ASSIGN_OR_RETURN(c->link_, OptionalSetting(spec, "url", ""));
  auto pause = spec.settings.find("quota_pause_ms");
  if (pause != spec.settings.end()) {
    if (!pause->is_number_integer() || pause->get<int64_t>() <= 0) {
      return SettingError(spec, "settings.quota_pause_ms must be a positive integer");
    }
    c->quota_pause_ms_ = pause->get<int64_t>();
  }
  TAGLOOP_ASSIGN_OR_RETURN(c->appsecret_, RequiredSecret(spec, "appsecret"));
  TAGLOOP_ASSIGN_OR_RETURN(c->http_, HttpClient::Create());
  return std::unique_ptr<Channel>(std::move(c));
}

std::string WechatTemplateChannel::FetchToken() {
  ++token_fetches_;
  token_.clear();
  HttpRequest r;
  r.method = "GET";
  r.url = base_url_ + "/cgi-bin/token?grant_type=client_credential&appid=" + UrlEncode(appid_) +
          "&secret=" + UrlEncode(appsecret_);
  r.timeout_ms = static_cast<long>(spec_.timeout_ms);
  Result<std::vector<HttpResponse>> a = http_->Perform({r}, 1);
  if (!a.ok()) return "wechat token: " + a.status().message();
  const HttpResponse& resp = (*a)[0];
  if (!resp.answered()) return "wechat token: " + resp.error;
  if (resp.status != 200) return fmt::format("wechat token: HTTP {}", resp.status);
  nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
    const int errcode = j.is_object() && j.contains("errcode") && j["errcode"].is_number() ? j["errcode"].get<int>() : -1;
    return fmt::format("wechat token: errcode {}", errcode);
  }
  token_ = j["access_token"].get<std::string>();
  const int64_t expires = j.contains("expires_in") && j["expires_in"].is_number() ? j["expires_in"].get<int64_t>() : 7200;
  token_expiry_ = std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(expires - 60, 1));
  return "";
}

std::string WechatTemplateChannel::Body(const OutgoingMessage& m) const {
  const nlohmann::json& c = m.content;
  const nlohmann::json source = c.is_object() && c.contains("data") ? c["data"] : c;
  nlohmann::ordered_json data = nlohmann::ordered_json::object();
  if (source.is_object()) {
    for (auto it = source.begin(); it != source.end(); ++it) {
      if (it->is_object()) {
        data[it.key()] = *it;
      } else {
        data[it.key()] = {{"value", it->is_string() ? it->get<std::string>() : it->dump()}};
      }
    }
  }
  nlohmann::ordered_json body = {{"touser", m.address}, {"template_id", template_id_}};
  std::string link = c.is_object() && c.contains("url") && c["url"].is_string() ? c["url"].get<std::string>() : link_;
  if (!link.empty()) body["url"] = link;
  body["client_msg_id"] = m.message_id;
  body["data"] = data;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SendOutcome WechatTemplateChannel::Classify(const HttpResponse& a, bool* token_error) const {
  *token_error = false;
  SendOutcome o = ClassifyHttp(a);
  if (o.kind != SendOutcome::Kind::kSent) return o;
  nlohmann::json j = nlohmann::json::parse(a.body, nullptr, false);
  if (!j.is_object() || !j.contains("errcode") || !j["errcode"].is_number()) {
    return SendOutcome::Transient("wechat: an answer without errcode");
  }
  const int errcode = j["errcode"].get<int>();
  if (errcode == 0) return SendOutcome::Sent(j.contains("msgid") ? j["msgid"].dump() : "");
  const std::string error = fmt::format("wechat errcode {}", errcode);
  if (errcode == 40001 || errcode == 42001) {
    *token_error = true;
    return SendOutcome::Transient(error);
  }
  if (errcode == 45009) {
    SendOutcome t = SendOutcome::Transient(error, quota_pause_ms_);
    t.pause_channel_ms = quota_pause_ms_;
    return t;
  }
  if (errcode == -1 || (errcode >= 45000 && errcode < 46000)) return SendOutcome::Transient(error);
  return SendOutcome::Permanent(error);  // 43004 not subscribed, 40003 bad openid, 40037 bad template, ...
}

std::vector<SendOutcome> WechatTemplateChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<SendOutcome> out(batch.size());
  std::vector<size_t> unsent;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].address.empty()) out[i] = SendOutcome::Permanent("no_address");
    else unsent.push_back(i);
  }
  bool refetched = false;
  if (token_.empty() || std::chrono::steady_clock::now() >= token_expiry_) {
    std::string error = FetchToken();
    refetched = true;
    if (!error.empty()) {
      for (size_t i : unsent) out[i] = SendOutcome::Transient(error);
      return out;
    }
  }
  // At most two rounds: the second after one token refetch.
  for (int round = 0; round < 2 && !unsent.empty(); ++round) {
    std::vector<HttpRequest> requests;
    for (size_t i : unsent) {
      HttpRequest r;
      r.url = base_url_ + "/cgi-bin/message/template/send?access_token=" + UrlEncode(token_);
      r.body = Body(batch[i]);
      r.timeout_ms = static_cast<long>(spec_.timeout_ms);
      r.headers = {"Content-Type: application/json"};
      requests.push_back(std::move(r));
    }
    Result<std::vector<HttpResponse>> answers = http_->Perform(requests, max_parallel);
    std::vector<size_t> again;
    for (size_t k = 0; k < unsent.size(); ++k) {
      if (!answers.ok()) {
        out[unsent[k]] = SendOutcome::Transient(answers.status().message());
        continue;
      }
      bool token_error = false;
      out[unsent[k]] = Classify((*answers)[k], &token_error);
      if (token_error) again.push_back(unsent[k]);
    }
    unsent.clear();
    if (again.empty() || refetched) break;
    std::string error = FetchToken();
    refetched = true;
    if (!error.empty()) {
      for (size_t i : again) out[i] = SendOutcome::Transient(error);
      break;
    }
    unsent = std::move(again);
  }
  return out;
}

}  // namespace tagloop::outreach
