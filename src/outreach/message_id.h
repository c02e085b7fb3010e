// The message id of one recipient's message (docs/outreach.md, "Message
// identity"): derived, never random, so a retry or a re-send after a crash
// carries the same id without reading it back from anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tagloop::outreach {

// "m" + the first 24 hex digits (lower case) of XXH3-128 over
// `campaign_id \0 step \0 external_user_id \0 occurrence`, where the
// occurrence is written in decimal ("0" for a campaign). The 128-bit hash is
// taken in its canonical (big-endian) form, high half first. Pure; thread-safe.
std::string MessageId(std::string_view campaign_id, std::string_view step, std::string_view external_user_id,
                      uint32_t occurrence);

}  // namespace tagloop::outreach
