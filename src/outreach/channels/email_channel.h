// The `email` channel: one SMTP message per recipient over libcurl's SMTP
// (the HTTP client module). Settings: `smtp_url` (smtp:// or smtps://
// host:port), `from` (an address, or "Name <address>"), optional
// `username` with the secret `password`. The address is the recipient's
// e-mail. Content: {"subject", "text"?, "html"?} (at least one body).
// The message is multipart/alternative (plain + HTML, UTF-8, base64) with
// `Message-ID: <message_id@tagloop>`; it carries no Date header (the
// submission server adds one), so every attempt sends the same bytes.
// 250 is sent; a 5xx reply permanent; 4xx and connection failures
// transient. A batch goes over up to the channel's `concurrency` SMTP
// connections at once (default 4), each kept open for the next messages.
#pragma once

#include <memory>

#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/http/http_client.h"

namespace tagloop::outreach {

class EmailChannel : public Channel {
 public:
  static Result<std::unique_ptr<Channel>> Create(ChannelSpec spec);
  std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) override;
  // The RFC 5322 message for one recipient (exposed for tests).
  Result<std::string> Compose(const OutgoingMessage& m) const;

 private:
  explicit EmailChannel(ChannelSpec spec) : Channel(std::move(spec)) {}
  std::unique_ptr<HttpClient> http_;
  std::string smtp_url_, from_, from_address_, username_, password_;
};

}  // namespace tagloop::outreach
