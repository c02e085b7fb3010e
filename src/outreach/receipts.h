// Delivery receipts: what a gateway reports after it accepted a message —
// delivered, clicked, or bounced — in the gateway's own format, posted to
// `POST /api/v1/channels/{name}/receipts` (docs/outreach.md, "Receipts").
// A receipt names the message by its message id only (an SMS gateway echoes
// the `OutId` it was given, a webhook receiver the body's `message_id`); the
// outreach service finds the campaign and user behind it and writes a
// `message_delivered` / `message_clicked` / `message_bounced` event.
//
// Two formats, told apart per entry:
//   - Aliyun SMS's delivery report (SmsReport), a JSON array of
//     {"out_id", "success", "report_time": "yyyy-MM-dd HH:mm:ss" (the
//     business time zone), "err_code", "err_msg", "phone_number", ...};
//   - tagloop's own, for any channel: [{"message_id", "status":
//     "delivered" | "clicked" | "bounced", "time": RFC 3339 (optional),
//     "error": text (optional)}].
// Either may also come as {"receipts": [...]}.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace tagloop::outreach {

enum class ReceiptKind { kDelivered, kClicked, kBounced };
// The event type a receipt becomes: message_delivered, message_clicked, message_bounced.
const char* ReceiptEventType(ReceiptKind kind);

struct Receipt {
  std::string message_id;
  ReceiptKind kind = ReceiptKind::kDelivered;
  int64_t time_ms = 0;  // Unix ms; 0: when it arrived
  std::string error;    // a bounce's error code and text, as the gateway gave them
};

// At most this many receipts in one request (a gateway batches by the hundred).
inline constexpr size_t kMaxReceiptsPerRequest = 10000;

// Reads a request's receipts. InvalidArgument naming the entry and field
// ("receipts[3].status: ...", reason bad_field / missing_field) for the
// first bad one: a request is taken whole or not at all.
Result<std::vector<Receipt>> ParseReceipts(const nlohmann::json& body, int utc_offset_minutes);

}  // namespace tagloop::outreach
