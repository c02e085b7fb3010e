#include "core/bsi.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace tagloop {

namespace {

// Greater-than and equal sets of the unsigned offset `c` (O'Neil's algorithm).
// Stops early once eq is empty (gt is then final).
void CompareUnsigned(const BsiView& bsi, uint64_t c, Bitmap* gt, Bitmap* eq) {
  *gt = Bitmap();
  *eq = Bitmap::Copy(bsi.exists);
  for (size_t i = bsi.slices.size(); i-- > 0;) {
    const roaring_bitmap_t* s = bsi.slices[i];
    if ((c >> i) & 1) {
      eq->AndWith(s);
    } else {
      if (roaring_bitmap_is_empty(s)) continue;
      Bitmap hit = Bitmap::And(eq->get(), s);
      if (!hit.empty()) {
        gt->OrWith(hit.get());
        eq->AndNotWith(s);
      }
    }
    if (eq->empty()) return;
  }
}

}  // namespace

Bitmap BsiCompare(const BsiView& bsi, CompareOp op, int64_t constant) {
  const __int128 off = static_cast<__int128>(constant) - bsi.base;
  const size_t n = bsi.slices.size();
  const __int128 max_off = n >= 64 ? static_cast<__int128>(std::numeric_limits<uint64_t>::max())
                                   : (static_cast<__int128>(1) << n) - 1;
  // Constants outside [base, base + 2^n - 1] decide the answer without slices.
  if (off < 0 || off > max_off) {
    const bool below = off < 0;  // every value is greater than the constant
    switch (op) {
      case CompareOp::kEq: return Bitmap();
      case CompareOp::kNe: return Bitmap::Copy(bsi.exists);
      case CompareOp::kLt:
      case CompareOp::kLe: return below ? Bitmap() : Bitmap::Copy(bsi.exists);
      case CompareOp::kGt:
      case CompareOp::kGe: return below ? Bitmap::Copy(bsi.exists) : Bitmap();
    }
  }
  Bitmap gt, eq;
  CompareUnsigned(bsi, static_cast<uint64_t>(off), &gt, &eq);
  switch (op) {
    case CompareOp::kEq: return eq;
    case CompareOp::kNe: return Bitmap::AndNot(bsi.exists, eq.get());
    case CompareOp::kGt: return gt;
    case CompareOp::kGe: gt.OrWith(eq.get()); return gt;
    case CompareOp::kLe: return Bitmap::AndNot(bsi.exists, gt.get());
    case CompareOp::kLt: {
      gt.OrWith(eq.get());
      return Bitmap::AndNot(bsi.exists, gt.get());
    }
  }
  return Bitmap();
}

Bitmap BsiBetween(const BsiView& bsi, int64_t lo, int64_t hi) {
  if (lo > hi) return Bitmap();
  Bitmap ge = BsiCompare(bsi, CompareOp::kGe, lo);
  if (ge.empty()) return ge;
  Bitmap le = BsiCompare(bsi, CompareOp::kLe, hi);
  ge.AndWith(le.get());
  return ge;
}

bool BsiValueOf(const BsiView& bsi, uint32_t user, int64_t* value) {
  if (!roaring_bitmap_contains(bsi.exists, user)) return false;
  uint64_t u = 0;
  for (size_t i = 0; i < bsi.slices.size(); ++i) {
    if (roaring_bitmap_contains(bsi.slices[i], user)) u |= uint64_t{1} << i;
  }
  *value = static_cast<int64_t>(static_cast<uint64_t>(bsi.base) + u);
  return true;
}

__int128 BsiSum(const BsiView& bsi, const roaring_bitmap_t* filter, uint64_t* count) {
  const uint64_t n = filter ? roaring_bitmap_and_cardinality(bsi.exists, filter)
                            : roaring_bitmap_get_cardinality(bsi.exists);
  __int128 sum = static_cast<__int128>(bsi.base) * n;
  for (size_t i = 0; i < bsi.slices.size(); ++i) {
    const uint64_t c = filter ? roaring_bitmap_and_cardinality(bsi.slices[i], filter)
                              : roaring_bitmap_get_cardinality(bsi.slices[i]);
    sum += static_cast<__int128>(c) << i;
  }
  if (count) *count = n;
  return sum;
}

BsiBuild BuildBsi(std::span<const uint32_t> users, std::span<const int64_t> values) {
  BsiBuild out;
  if (users.empty()) return out;
  // Sort by user so every slice is built with one sorted add_many.
  std::vector<uint32_t> order(users.size());
  std::iota(order.begin(), order.end(), 0u);
  if (!std::is_sorted(users.begin(), users.end())) {
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return users[a] < users[b]; });
  }
  out.base = *std::min_element(values.begin(), values.end());
  const int64_t max = *std::max_element(values.begin(), values.end());
  const uint64_t span = static_cast<uint64_t>(max) - static_cast<uint64_t>(out.base);
  const size_t nslices = span == 0 ? 0 : 64 - __builtin_clzll(span);
  std::vector<uint32_t> sorted_users(users.size());
  std::vector<uint64_t> offs(users.size());
  for (size_t k = 0; k < order.size(); ++k) {
    sorted_users[k] = users[order[k]];
    offs[k] = static_cast<uint64_t>(values[order[k]]) - static_cast<uint64_t>(out.base);
  }
  out.exists.AddMany(sorted_users);
  out.exists.Optimize();
  std::vector<uint32_t> members;
  members.reserve(users.size());
  for (size_t i = 0; i < nslices; ++i) {
    members.clear();
    for (size_t k = 0; k < offs.size(); ++k) {
      if ((offs[k] >> i) & 1) members.push_back(sorted_users[k]);
    }
    Bitmap s;
    s.AddMany(members);
    s.Optimize();
    out.slices.push_back(std::move(s));
  }
  return out;
}

}  // namespace tagloop
