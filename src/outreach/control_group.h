// Control groups by hashing (contract: "a user is in a campaign's control
// group by a deterministic hash of (campaign, user) below share").
//
// The hash is XXH3-64 of the user's DENSE id (4 bytes, little-endian) seeded
// with XXH3-64 of the campaign id (per-campaign control) or of
// "tagloop.global_control" + NUL + salt (the global control group). A user is
// in the group when hash < share * 2^64. Hashing dense ids, not external
// ids, makes a whole bitmap cost one XXH3 per member (well over 50M users/s
// per core) instead of a dictionary lookup and a string hash each. It is
// stable across restarts and machines because dense ids are stable per data
// directory: the user dictionary only appends, never renumbers or reuses an
// id (store/user_dictionary.h). Consequences, accepted: a user deleted and
// imported again gets a new dense id and so a new draw; a data directory
// rebuilt from scratch (imports replayed in another order) redraws everyone.
// The global control group is the Braze-style "bucket of all users": a user
// keeps their bucket for as long as the salt stays; a new salt resets it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bitmap.h"

namespace tagloop::outreach {

// Seeds for UserHash.
uint64_t CampaignControlSeed(std::string_view campaign_id);
uint64_t GlobalControlSeed(std::string_view salt);
// Budget order: a different draw than the control split of the same campaign.
uint64_t BudgetOrderSeed(std::string_view campaign_id);

// The hash of one user under `seed`.
uint64_t UserHash(uint64_t seed, uint32_t dense_id);
// share (0 <= share <= 1) as a threshold on UserHash: in the group iff hash < threshold
// (share 1 is everyone: the threshold is then UINT64_MAX and the one hash equal to it is in too).
uint64_t ShareThreshold(double share);
bool InGroup(uint64_t seed, double share, uint32_t dense_id);

// The members of `users` whose hash under `seed` falls below `share`.
Bitmap SelectByHash(const Bitmap& users, uint64_t seed, double share);

// A campaign's control group among `eligible` (the users left after suppression).
inline Bitmap CampaignControl(const Bitmap& eligible, std::string_view campaign_id, double share) {
  return SelectByHash(eligible, CampaignControlSeed(campaign_id), share);
}
// The global control group among `users` (usually the audience).
inline Bitmap GlobalControlGroup(const Bitmap& users, std::string_view salt, double share) {
  return SelectByHash(users, GlobalControlSeed(salt), share);
}

// The `n` members of `users` with the smallest hash under `seed` (ties by
// dense id): a deterministic, unbiased truncation (budgets). All of them
// when n >= |users|.
Bitmap FirstInHashOrder(const Bitmap& users, uint64_t seed, uint64_t n);

}  // namespace tagloop::outreach
