#include "core/bsi.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <thread>

#include "core/bitmap_words.h"

namespace tagloop {

namespace {

// Comparisons run container by container (65536 users at a time): the slices
// of one container are combined word by word in L1/L2 cache, so each slice is
// read from memory once, no intermediate bitmap is allocated, and the two
// halves of the key range run on two threads.
constexpr int kParallelMinContainers = 48;

// Bounds on the unsigned offset (value - base) for the users to keep.
struct OffsetRange {
  bool has_lo = false, has_hi = false;
  uint64_t lo = 0, hi = 0;  // inclusive
  bool negate = false;      // keep users with a value outside the range (kNe)
};

// gt/eq of the offsets against c, over the words of one container (O'Neil).
void CompareWords(const uint64_t* const* slices, size_t n, const uint64_t* exists, uint64_t c,
                  uint64_t* gt, uint64_t* eq) {
  std::memcpy(eq, exists, kContainerWords * sizeof(uint64_t));
  std::memset(gt, 0, kContainerWords * sizeof(uint64_t));
  for (size_t j = n; j-- > 0;) {
    const uint64_t* s = slices[j];
    if ((c >> j) & 1) {
      if (!s) {
        std::memset(eq, 0, kContainerWords * sizeof(uint64_t));
        return;
      }
      for (int w = 0; w < kContainerWords; ++w) eq[w] &= s[w];
    } else if (s) {
      for (int w = 0; w < kContainerWords; ++w) {
        gt[w] |= eq[w] & s[w];
        eq[w] &= ~s[w];
      }
    }
  }
}

// Users of containers [begin, end) of `exists` whose offset is in `range`.
Bitmap SelectRange(const BsiView& bsi, const OffsetRange& range, int begin, int end) {
  const size_t n = bsi.slices.size();
  std::vector<ContainerCursor> cursors;
  for (const roaring_bitmap_t* s : bsi.slices) cursors.emplace_back(s);
  ContainerCursor exists(bsi.exists);
  std::vector<uint64_t> buf((n + 6) * kContainerWords);
  uint64_t* scratch = buf.data();
  uint64_t* escratch = scratch + n * kContainerWords;
  uint64_t* gt = escratch + kContainerWords;
  uint64_t* eq = gt + kContainerWords;
  uint64_t* keep = eq + kContainerWords;
  uint64_t* gt2 = keep + kContainerWords;
  uint64_t* eq2 = gt2 + kContainerWords;
  std::vector<const uint64_t*> words(n);
  Bitmap out;
  for (int i = begin; i < end; ++i) {
    const uint16_t key = exists.key_at(i);
    const uint64_t* e = exists.WordsAt(i, escratch);
    for (size_t j = 0; j < n; ++j) words[j] = cursors[j].WordsFor(key, scratch + j * kContainerWords);
    // keep = users with lo <= offset <= hi
    std::memcpy(keep, e, kContainerWords * sizeof(uint64_t));
    if (range.has_lo) {
      CompareWords(words.data(), n, e, range.lo, gt, eq);
      for (int w = 0; w < kContainerWords; ++w) keep[w] &= gt[w] | eq[w];
    }
    if (range.has_hi) {
      CompareWords(words.data(), n, e, range.hi, gt2, eq2);
      for (int w = 0; w < kContainerWords; ++w) keep[w] &= ~gt2[w];
    }
    if (range.negate) {
      for (int w = 0; w < kContainerWords; ++w) keep[w] = e[w] & ~keep[w];
    }
    AppendWords(out.get(), key, keep);
  }
  FinishAppends(out.get());
  return out;
}

Bitmap Select(const BsiView& bsi, const OffsetRange& range) {
  const int containers = ContainerCursor(bsi.exists).size();
  if (containers < kParallelMinContainers) return SelectRange(bsi, range, 0, containers);
  const int mid = containers / 2;
  Bitmap second;
  std::thread worker([&] { second = SelectRange(bsi, range, mid, containers); });
  Bitmap first = SelectRange(bsi, range, 0, mid);
  worker.join();
  first.OrWith(second.get());  // disjoint keys: appends the containers
  return first;
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
  const uint64_t c = static_cast<uint64_t>(off);
  OffsetRange r;
  switch (op) {
    case CompareOp::kEq: r = {true, true, c, c, false}; break;
    case CompareOp::kNe: r = {true, true, c, c, true}; break;
    case CompareOp::kGe: r.has_lo = true, r.lo = c; break;
    case CompareOp::kLe: r.has_hi = true, r.hi = c; break;
    case CompareOp::kGt:
      if (c == static_cast<uint64_t>(max_off)) return Bitmap();
      r.has_lo = true, r.lo = c + 1;
      break;
    case CompareOp::kLt:
      if (c == 0) return Bitmap();
      r.has_hi = true, r.hi = c - 1;
      break;
  }
  return Select(bsi, r);
}

Bitmap BsiBetween(const BsiView& bsi, int64_t lo, int64_t hi) {
  if (lo > hi) return Bitmap();
  const size_t n = bsi.slices.size();
  const __int128 max_off = n >= 64 ? static_cast<__int128>(std::numeric_limits<uint64_t>::max())
                                   : (static_cast<__int128>(1) << n) - 1;
  const __int128 lo_off = static_cast<__int128>(lo) - bsi.base;
  const __int128 hi_off = static_cast<__int128>(hi) - bsi.base;
  if (hi_off < 0 || lo_off > max_off) return Bitmap();
  OffsetRange r;
  if (lo_off > 0) r.has_lo = true, r.lo = static_cast<uint64_t>(lo_off);
  if (hi_off < max_off) r.has_hi = true, r.hi = static_cast<uint64_t>(hi_off);
  if (!r.has_lo && !r.has_hi) return Bitmap::Copy(bsi.exists);
  return Select(bsi, r);
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
