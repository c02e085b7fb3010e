#include "outreach/control_group.h"

#include <xxhash.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace tagloop::outreach {

namespace {

constexpr uint32_t kBatch = 4096;

// Calls fn(batch, n) for the members of `users` in ascending order.
template <typename Fn>
void ForEachBatch(const Bitmap& users, Fn&& fn) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator(users.get(), &it);
  uint32_t batch[kBatch];
  for (;;) {
    const uint32_t n = roaring_read_uint32_iterator(&it, batch, kBatch);
    if (n == 0) break;
    fn(batch, n);
  }
}

}  // namespace

uint64_t CampaignControlSeed(std::string_view campaign_id) {
  return XXH3_64bits(campaign_id.data(), campaign_id.size());
}

uint64_t GlobalControlSeed(std::string_view salt) {
  std::string key = "tagloop.global_control";
  key.push_back('\0');
  key.append(salt);
  return XXH3_64bits(key.data(), key.size());
}

uint64_t BudgetOrderSeed(std::string_view campaign_id) {
  std::string key = "tagloop.budget";
  key.push_back('\0');
  key.append(campaign_id);
  return XXH3_64bits(key.data(), key.size());
}

uint64_t UserHash(uint64_t seed, uint32_t dense_id) {
  const unsigned char le[4] = {static_cast<unsigned char>(dense_id), static_cast<unsigned char>(dense_id >> 8),
                               static_cast<unsigned char>(dense_id >> 16), static_cast<unsigned char>(dense_id >> 24)};
  return XXH3_64bits_withSeed(le, sizeof le, seed);
}

uint64_t ShareThreshold(double share) {
  if (!(share > 0)) return 0;
  if (share >= 1) return UINT64_MAX;
  const double t = share * 18446744073709551616.0;  // 2^64
  return t >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(t);
}

bool InGroup(uint64_t seed, double share, uint32_t dense_id) {
  const uint64_t threshold = ShareThreshold(share);
  const uint64_t h = UserHash(seed, dense_id);
  return h < threshold || (share >= 1);
}

Bitmap SelectByHash(const Bitmap& users, uint64_t seed, double share) {
  const uint64_t threshold = ShareThreshold(share);
  if (threshold == 0) return Bitmap();
  if (share >= 1) return Bitmap::Copy(users.get());
  Bitmap out;
  uint32_t picked[kBatch];
  ForEachBatch(users, [&](const uint32_t* ids, uint32_t n) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; ++i) {
      picked[k] = ids[i];
      k += UserHash(seed, ids[i]) < threshold;  // branch-free
    }
    roaring_bitmap_add_many(out.get(), k, picked);
  });
  out.Optimize();
  return out;
}

Bitmap FirstInHashOrder(const Bitmap& users, uint64_t seed, uint64_t n) {
  const uint64_t size = users.cardinality();
  if (n >= size) return Bitmap::Copy(users.get());
  if (n == 0) return Bitmap();
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  keyed.reserve(size);
  ForEachBatch(users, [&](const uint32_t* ids, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) keyed.emplace_back(UserHash(seed, ids[i]), ids[i]);
  });
  std::nth_element(keyed.begin(), keyed.begin() + static_cast<ptrdiff_t>(n), keyed.end());
  std::vector<uint32_t> kept;
  kept.reserve(n);
  for (uint64_t i = 0; i < n; ++i) kept.push_back(keyed[i].second);
  std::sort(kept.begin(), kept.end());
  Bitmap out = Bitmap::Of(kept);
  out.Optimize();
  return out;
}

}  // namespace tagloop::outreach
