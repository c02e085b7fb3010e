#include "outreach/channels/email_channel.h"

#include <openssl/evp.h>

#include <fmt/format.h>

#include "outreach/channels/channel_util.h"

namespace tagloop::outreach {
namespace {

// Base64 in lines of 76 characters, CRLF-terminated.
std::string Base64Lines(std::string_view data) {
  std::string out;
  for (size_t pos = 0; pos < data.size(); pos += 57) {
    const size_t n = std::min<size_t>(57, data.size() - pos);
    unsigned char buf[80];
    const int len = EVP_EncodeBlock(buf, reinterpret_cast<const unsigned char*>(data.data() + pos), static_cast<int>(n));
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len)).append("\r\n");
  }
  return out;
}

std::string EncodedWord(std::string_view text) {
  std::string b = Base64Lines(text);
  std::string joined;
  for (char c : b) {
    if (c != '\r' && c != '\n') joined.push_back(c);
  }
  return "=?UTF-8?B?" + joined + "?=";
}

bool HeaderSafe(std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; }

}  // namespace

Result<std::unique_ptr<Channel>> EmailChannel::Create(ChannelSpec spec) {
  std::unique_ptr<EmailChannel> c(new EmailChannel(spec));
  TAGLOOP_ASSIGN_OR_RETURN(c->smtp_url_, RequiredSetting(spec, "smtp_url"));
  TAGLOOP_RETURN_IF_ERROR(CheckUrl(spec, "smtp_url", c->smtp_url_, {"smtp://", "smtps://"}));
  TAGLOOP_ASSIGN_OR_RETURN(c->from_, RequiredSetting(spec, "from"));
  size_t lt = c->from_.find('<'), gt = c->from_.find('>');
  c->from_address_ = lt != std::string::npos && gt > lt ? c->from_.substr(lt + 1, gt - lt - 1) : c->from_;
  if (c->from_address_.find('@') == std::string::npos || !HeaderSafe(c->from_)) {
    return SettingError(spec, "settings.from must be an e-mail address");
  }
  TAGLOOP_ASSIGN_OR_RETURN(c->username_, OptionalSetting(spec, "username", ""));
  if (!c->username_.empty()) {
    TAGLOOP_ASSIGN_OR_RETURN(c->password_, RequiredSecret(spec, "password"));
  }
  TAGLOOP_ASSIGN_OR_RETURN(c->http_, HttpClient::Create());
  return std::unique_ptr<Channel>(std::move(c));
}

Result<std::string> EmailChannel::Compose(const OutgoingMessage& m) const {
  const nlohmann::json& c = m.content;
  auto text_of = [&](const char* key) -> std::string {
    return c.is_object() && c.contains(key) && c[key].is_string() ? c[key].get<std::string>() : "";
  };
  const std::string subject = text_of("subject"), text = text_of("text"), html = text_of("html");
  if (subject.empty() || (text.empty() && html.empty())) {
    return Status::InvalidArgument("email: the content needs \"subject\" and \"text\" or \"html\"");
  }
  if (!HeaderSafe(m.address) || m.address.find('@') == std::string::npos) {
    return Status::InvalidArgument("email: the address is not an e-mail address");
  }
  const std::string boundary = "tagloop-" + m.message_id;
  std::string msg;
  msg += "From: " + from_ + "\r\n";
  msg += "To: <" + m.address + ">\r\n";
  msg += "Subject: " + EncodedWord(subject) + "\r\n";
  msg += "Message-ID: <" + m.message_id + "@tagloop>\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  for (auto [type, body] : {std::pair{"text/plain", &text}, std::pair{"text/html", &html}}) {
    if (body->empty()) continue;
    msg += "--" + boundary + "\r\n";
    msg += fmt::format("Content-Type: {}; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", type);
    msg += Base64Lines(*body);
  }
  msg += "--" + boundary + "--\r\n";
  return msg;
}

std::vector<SendOutcome> EmailChannel::Send(const std::vector<OutgoingMessage>& batch, int max_parallel) {
  std::vector<SendOutcome> out(batch.size());
  std::vector<SmtpMessage> mails;
  std::vector<size_t> index;
  for (size_t i = 0; i < batch.size(); ++i) {
    const OutgoingMessage& m = batch[i];
    if (m.address.empty()) {
      out[i] = SendOutcome::Permanent("no_address");
      continue;
    }
    Result<std::string> payload = Compose(m);
    if (!payload.ok()) {
      out[i] = SendOutcome::Permanent(payload.status().message());
      continue;
    }
    mails.push_back(SmtpMessage{smtp_url_, from_address_, "<" + m.address + ">", std::move(*payload), username_,
                                password_, spec_.timeout_ms});
    index.push_back(i);
  }
  if (mails.empty()) return out;
  Result<std::vector<SmtpResult>> results = http_->SendMail(mails, max_parallel);
  for (size_t k = 0; k < index.size(); ++k) {
    const size_t i = index[k];
    if (!results.ok()) {
      out[i] = SendOutcome::Transient(results.status().message());
      continue;
    }
    const SmtpResult& r = (*results)[k];
    if (r.error_code == 0) {
      out[i] = SendOutcome::Sent(batch[i].message_id + "@tagloop");
    } else if (r.smtp_code >= 500) {
      out[i] = SendOutcome::Permanent(fmt::format("SMTP {}", r.smtp_code));
    } else {
      out[i] = SendOutcome::Transient(r.smtp_code > 0 ? fmt::format("SMTP {}", r.smtp_code) : r.error);
    }
  }
  return out;
}

}  // namespace tagloop::outreach
