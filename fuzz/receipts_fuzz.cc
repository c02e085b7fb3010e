// Fuzzes gateway receipt parsing (outreach/receipts.h): arbitrary bytes, as
// JSON when they parse, must give an InvalidArgument or receipts that hold
// a well-formed message id, never a crash or an escaping exception. Seeds:
// fuzz/corpus/receipts/ (an Aliyun SmsReport push, tagloop's own entries).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "outreach/receipts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json body = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  auto receipts = tagloop::outreach::ParseReceipts(body, 480);
  if (!receipts.ok()) {
    if (receipts.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
    return 0;
  }
  for (const tagloop::outreach::Receipt& r : *receipts) {
    if (r.message_id.size() != 25 || r.message_id[0] != 'm') std::abort();
  }
  return 0;
}
