#include "outreach/message_id.h"

#include <xxhash.h>

namespace tagloop::outreach {

std::string MessageId(std::string_view campaign_id, std::string_view step, std::string_view external_user_id,
                      uint32_t occurrence) {
  std::string input;
  const std::string occ = std::to_string(occurrence);
  input.reserve(campaign_id.size() + step.size() + external_user_id.size() + occ.size() + 3);
  input.append(campaign_id).push_back('\0');
  input.append(step).push_back('\0');
  input.append(external_user_id).push_back('\0');
  input.append(occ);
  XXH128_canonical_t canon;
  XXH128_canonicalFromHash(&canon, XXH3_128bits(input.data(), input.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(25, 'm');
  for (int i = 0; i < 12; ++i) {
    id[1 + 2 * i] = kHex[canon.digest[i] >> 4];
    id[2 + 2 * i] = kHex[canon.digest[i] & 15];
  }
  return id;
}

}  // namespace tagloop::outreach
