#include "outreach/receipts.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/error_reason.h"
#include "events/event_time.h"

namespace tagloop::outreach {
namespace {

using nlohmann::json;

Status Bad(size_t i, std::string_view field, std::string_view detail) {
  const std::string where = field.empty() ? fmt::format("receipts[{}]", i) : fmt::format("receipts[{}].{}", i, field);
  return Status::InvalidArgument(fmt::format("{}: {}", where, detail))
      .With(ErrorReason::kBadField, {{"field", where}, {"detail", std::string(detail)}});
}

Status Missing(size_t i, std::string_view field) {
  const std::string where = fmt::format("receipts[{}].{}", i, field);
  return Status::InvalidArgument(fmt::format("{}: missing", where)).With(ErrorReason::kMissingField, {{"field", where}});
}

Result<std::string> Text(const json& entry, size_t i, const char* field, bool required) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) {
    if (required) return Missing(i, field);
    return std::string();
  }
  if (!it->is_string()) return Bad(i, field, "expected a string");
  return it->get<std::string>();
}

// A message id as MessageId makes them: "m" and 24 lower-case hex digits.
bool IsMessageId(std::string_view id) {
  if (id.size() != 25 || id[0] != 'm') return false;
  for (char c : id.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Aliyun's SmsReport entry.
Result<Receipt> AliyunReport(const json& entry, size_t i, int utc_offset_minutes) {
  Receipt r;
  TAGLOOP_ASSIGN_OR_RETURN(r.message_id, Text(entry, i, "out_id", true));
  if (!IsMessageId(r.message_id)) return Bad(i, "out_id", "not a tagloop message id (the OutId it was sent with)");
  auto success = entry.find("success");
  if (success == entry.end() || !success->is_boolean()) {
    return success == entry.end() ? Missing(i, "success") : Bad(i, "success", "expected true or false");
  }
  r.kind = success->get<bool>() ? ReceiptKind::kDelivered : ReceiptKind::kBounced;
  TAGLOOP_ASSIGN_OR_RETURN(std::string when, Text(entry, i, "report_time", false));
  if (!when.empty()) {
    // "yyyy-MM-dd HH:mm:ss" on the business clock.
    const std::string rfc = fmt::format("{}{}{:02}:{:02}", when, utc_offset_minutes < 0 ? '-' : '+',
                                        std::abs(utc_offset_minutes) / 60, std::abs(utc_offset_minutes) % 60);
    Result<int64_t> ms = events::ParseRfc3339Millis(rfc);
    if (when.size() != 19 || !ms.ok()) return Bad(i, "report_time", "expected \"yyyy-MM-dd HH:mm:ss\"");
    r.time_ms = *ms;
  }
  if (r.kind == ReceiptKind::kBounced) {
    TAGLOOP_ASSIGN_OR_RETURN(std::string code, Text(entry, i, "err_code", false));
    TAGLOOP_ASSIGN_OR_RETURN(std::string text, Text(entry, i, "err_msg", false));
    r.error = text.empty() ? code : code + " " + text;
  }
  return r;
}

Result<Receipt> OwnReceipt(const json& entry, size_t i) {
  Receipt r;
  TAGLOOP_ASSIGN_OR_RETURN(r.message_id, Text(entry, i, "message_id", true));
  if (!IsMessageId(r.message_id)) return Bad(i, "message_id", "not a tagloop message id");
  TAGLOOP_ASSIGN_OR_RETURN(std::string status, Text(entry, i, "status", true));
  if (status == "delivered") {
    r.kind = ReceiptKind::kDelivered;
  } else if (status == "clicked") {
    r.kind = ReceiptKind::kClicked;
  } else if (status == "bounced") {
    r.kind = ReceiptKind::kBounced;
  } else {
    return Bad(i, "status", fmt::format("'{}' is not delivered, clicked or bounced", status));
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::string when, Text(entry, i, "time", false));
  if (!when.empty()) {
    Result<int64_t> ms = events::ParseRfc3339Millis(when);
    if (!ms.ok()) return Bad(i, "time", ms.status().message());
    r.time_ms = *ms;
  }
  TAGLOOP_ASSIGN_OR_RETURN(r.error, Text(entry, i, "error", false));
  return r;
}

}  // namespace

const char* ReceiptEventType(ReceiptKind kind) {
  switch (kind) {
    case ReceiptKind::kDelivered:
      return "message_delivered";
    case ReceiptKind::kClicked:
      return "message_clicked";
    case ReceiptKind::kBounced:
      return "message_bounced";
  }
  return "message_delivered";
}

Result<std::vector<Receipt>> ParseReceipts(const json& body, int utc_offset_minutes) {
  const json* list = &body;
  if (body.is_object()) {
    auto it = body.find("receipts");
    if (it == body.end() || body.size() != 1) {
      return Status::InvalidArgument("receipts: expected a JSON array, or an object with only 'receipts'")
          .With(ErrorReason::kMissingField, {{"field", "receipts"}});
    }
    list = &*it;
  }
  if (!list->is_array()) {
    return Status::InvalidArgument("receipts: expected a JSON array")
        .With(ErrorReason::kBadField, {{"field", "receipts"}, {"detail", "expected a JSON array"}});
  }
  if (list->size() > kMaxReceiptsPerRequest) {
    return Status::InvalidArgument(
               fmt::format("receipts: {} entries; at most {} in one request", list->size(), kMaxReceiptsPerRequest))
        .With(ErrorReason::kLimitExceeded, {{"what", "receipts"},
                                            {"limit", std::to_string(kMaxReceiptsPerRequest)},
                                            {"value", std::to_string(list->size())}});
  }
  std::vector<Receipt> out;
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const json& entry = (*list)[i];
    if (!entry.is_object()) return Bad(i, "", "expected an object");
    Result<Receipt> r = entry.contains("out_id") ? AliyunReport(entry, i, utc_offset_minutes) : OwnReceipt(entry, i);
    TAGLOOP_RETURN_IF_ERROR(r.status());
    out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace tagloop::outreach
