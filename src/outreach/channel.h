// Channel: hands rendered messages to one gateway and says, per message,
// what happened (docs/outreach.md, "Channels"; the wire formats:
// ../shared/SPEC-outreach.md). A channel is built from a ChannelSpec by
// MakeChannel (channel_factory.h), which validates its settings.
//
// The dispatcher (dispatcher.h) calls Send from its lane's thread with a
// batch; the channel runs the batch's requests concurrently (at most
// `max_parallel` in flight) and returns when every message has an outcome,
// so one channel's slowness is felt only by its own lane.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outreach/channel_spec.h"

namespace tagloop::outreach {

// One recipient's rendered message.
struct OutgoingMessage {
  uint32_t user = 0;              // dense id (the ledger's key)
  std::string message_id;         // outreach/message_id.h
  std::string campaign_id;
  std::string step = "send";
  std::string external_user_id;
  std::string address;            // phone / e-mail / openid / staff group; may be empty for webhook, wecom_bot
  nlohmann::json content;         // rendered content (content_template.h)
};

struct SendOutcome {
  enum class Kind : uint8_t {
    kSent,       // handed over; gateway_id is the gateway's id (may be empty)
    kTransient,  // try again later: retry_after_ms (-1: the dispatcher's backoff), error
    kPermanent,  // never again: error
  };
  Kind kind = Kind::kSent;
  std::string gateway_id;   // kSent: the gateway's id (coupon: the coupon id)
  int64_t retry_after_ms = -1;
  // kTransient: the whole channel should wait this long before any send
  // (WeChat's quota, 45009); 0 = no pause.
  int64_t pause_channel_ms = 0;
  std::string error;        // short; never a secret

  static SendOutcome Sent(std::string gateway_id = {}) { return {Kind::kSent, std::move(gateway_id), -1, 0, {}}; }
  static SendOutcome Transient(std::string error, int64_t retry_after_ms = -1) {
    return {Kind::kTransient, {}, retry_after_ms, 0, std::move(error)};
  }
  static SendOutcome Permanent(std::string error) { return {Kind::kPermanent, {}, -1, 0, std::move(error)}; }
};

class Channel {
 public:
  virtual ~Channel() = default;
  const ChannelSpec& spec() const { return spec_; }
  // The highest rate the gateway accepts (the spec's rate, or lower when the
  // gateway has a documented limit, e.g. a WeCom bot's 20 a minute).
  virtual double MaxRatePerSecond() const { return spec_.rate_per_second; }
  // Sends the batch; returns one outcome per message, in order. Never throws;
  // a failure of the client itself is a transient outcome of every message.
  virtual std::vector<SendOutcome> Send(const std::vector<OutgoingMessage>& batch, int max_parallel) = 0;

 protected:
  explicit Channel(ChannelSpec spec) : spec_(std::move(spec)) {}
  ChannelSpec spec_;
};

}  // namespace tagloop::outreach
