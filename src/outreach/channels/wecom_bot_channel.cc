#include "outreach/channels/wecom_bot_channel.h"

#include <algorithm>

#include <fmt/format.h>

#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> WecomBotChannel::Create(ChannelSpec spec) {
  std::unique_ptr<WecomBotChannel> c(new WecomBotChannel(spec));
  TAGLOOP_ASSIGN_OR_RETURN(c->url_, RequiredSetting(spec, "url"));
  TAGLOOP_RETURN_IF_ERROR(CheckUrl(spec, "url", c->url_));
  TAGLOOP_ASSIGN_OR_RETURN(c->msgtype_, OptionalSetting(spec, "msgtype", "markdown"));
  if (c->msgtype_ != "markdown" && c->msgtype_ != "text") {
    return SettingError(spec, "settings.msgtype must be markdown or text");
  }
  TAGLOOP_ASSIGN_OR_RETURN(c->http_, HttpClient::Create());
  return std::unique_ptr<Channel>(std::move(c));
}

double WecomBotChannel::MaxRatePerSecond() const {
  return std::min(spec_.rate_per_second, kMessagesPerMinute / 60);
}

std::vector<SendOutcome> WecomBotChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<SendOutcome> out(batch.size());
  std::vector<HttpRequest> requests;
  std::vector<size_t> index;
  const size_t limit = msgtype_ == "text" ? 2048 : 4096;
  for (size_t i = 0; i < batch.size(); ++i) {
    const nlohmann::json& c = batch[i].content;
    if (!c.is_object() || !c.contains("content") || !c["content"].is_string()) {
      out[i] = SendOutcome::Permanent("wecom_bot: the content needs a string \"content\"");
      continue;
    }
    const std::string text = c["content"].get<std::string>();
    if (text.size() > limit) {
      out[i] = SendOutcome::Permanent(fmt::format("wecom_bot: {} content over {} bytes", msgtype_, limit));
      continue;
    }
    nlohmann::ordered_json inner = {{"content", text}};
    if (msgtype_ == "text" && c.contains("mentioned_list")) inner["mentioned_list"] = c["mentioned_list"];
    nlohmann::ordered_json body = {{"msgtype", msgtype_}, {msgtype_, inner}};
    HttpRequest r;
    r.url = url_;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.timeout_ms = static_cast<long>(spec_.timeout_ms);
    r.headers = {"Content-Type: application/json"};
    requests.push_back(std::move(r));
    index.push_back(i);
  }
  PerformInto(*http_, requests, index, max_parallel, out, [](const HttpResponse& a) {
    SendOutcome o = ClassifyHttp(a);
    if (o.kind != SendOutcome::Kind::kSent) return o;
    nlohmann::json j = nlohmann::json::parse(a.body, nullptr, false);
    const int errcode = j.is_object() && j.contains("errcode") && j["errcode"].is_number() ? j["errcode"].get<int>() : -1;
    if (errcode == 0) return o;
    const std::string error = fmt::format("wecom_bot errcode {}", errcode);
    if (errcode == 130101) return SendOutcome::Transient(error, 60 * 1000);
    if ((errcode >= 93000 && errcode < 94000) || (errcode >= 40000 && errcode < 50000)) {
      return SendOutcome::Permanent(error);
    }
    return SendOutcome::Transient(error);
  });
  return out;
}

}  // namespace tagloop::outreach
