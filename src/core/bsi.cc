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

// Where the result goes: a bitmap, or only its size; optionally restricted
// to the users of `within` (an AND pushed into the scan: containers absent
// from `within` are never read).
struct Target {
  const roaring_bitmap_t* within = nullptr;
  bool count_only = false;
};

struct Partial {
  Bitmap users;
  uint64_t count = 0;
};

// The containers [begin, end) of the driving bitmap (`within` if given, else exists).
Partial SelectRange(const BsiView& bsi, const OffsetRange& range, const Target& target, int begin, int end) {
  const size_t n = bsi.slices.size();
  std::vector<ContainerCursor> cursors;
  for (const roaring_bitmap_t* s : bsi.slices) cursors.emplace_back(s);
  ContainerCursor exists(bsi.exists);
  ContainerCursor driver(target.within ? target.within : bsi.exists);
  std::vector<uint64_t> buf((n + 7) * kContainerWords);
  uint64_t* scratch = buf.data();
  uint64_t* escratch = scratch + n * kContainerWords;
  uint64_t* gt = escratch + kContainerWords;
  uint64_t* eq = gt + kContainerWords;
  uint64_t* keep = eq + kContainerWords;
  uint64_t* gt2 = keep + kContainerWords;
  uint64_t* eq2 = gt2 + kContainerWords;
  uint64_t* fscratch = eq2 + kContainerWords;
  std::vector<const uint64_t*> words(n);
  Partial out;
  for (int i = begin; i < end; ++i) {
    const uint16_t key = driver.key_at(i);
    const uint64_t* e = target.within ? exists.WordsFor(key, escratch) : exists.WordsAt(i, escratch);
    if (!e) continue;
    for (size_t j = 0; j < n; ++j) words[j] = cursors[j].WordsFor(key, scratch + j * kContainerWords);
    // keep = users with lo <= offset <= hi
    std::memcpy(keep, e, kContainerWords * sizeof(uint64_t));
    if (target.within) {
      const uint64_t* f = driver.WordsAt(i, fscratch);
      for (int w = 0; w < kContainerWords; ++w) keep[w] &= f[w];
    }
    const uint64_t* base = keep;  // the candidates: exists, within the filter
    if (range.negate) {
      std::memcpy(fscratch, keep, kContainerWords * sizeof(uint64_t));
      base = fscratch;
    }
    if (range.has_lo) {
      CompareWords(words.data(), n, base, range.lo, gt, eq);
      for (int w = 0; w < kContainerWords; ++w) keep[w] &= gt[w] | eq[w];
    }
    if (range.has_hi) {
      CompareWords(words.data(), n, base, range.hi, gt2, eq2);
      for (int w = 0; w < kContainerWords; ++w) keep[w] &= ~gt2[w];
    }
    if (range.negate) {
      for (int w = 0; w < kContainerWords; ++w) keep[w] = base[w] & ~keep[w];
    }
    if (target.count_only) {
      for (int w = 0; w < kContainerWords; ++w) out.count += static_cast<uint64_t>(__builtin_popcountll(keep[w]));
    } else {
      AppendWords(out.users.get(), key, keep);
    }
  }
  if (!target.count_only) FinishAppends(out.users.get());
  return out;
}

Partial Select(const BsiView& bsi, const OffsetRange& range, const Target& target) {
  const int containers = ContainerCursor(target.within ? target.within : bsi.exists).size();
  if (containers < kParallelMinContainers) return SelectRange(bsi, range, target, 0, containers);
  const int mid = containers / 2;
  Partial second;
  std::thread worker([&] { second = SelectRange(bsi, range, target, mid, containers); });
  Partial first = SelectRange(bsi, range, target, 0, mid);
  worker.join();
  first.users.OrWith(second.users.get());  // disjoint keys: appends the containers
  first.count += second.count;
  return first;
}

// A comparison reduced to an offset range, or decided without the slices.
struct Plan {
  enum Kind { kNone, kAllWithValue, kRange } kind = kNone;
  OffsetRange range;
};

__int128 MaxOffset(const BsiView& bsi) {
  const size_t n = bsi.slices.size();
  return n >= 64 ? static_cast<__int128>(std::numeric_limits<uint64_t>::max())
                 : (static_cast<__int128>(1) << n) - 1;
}

Plan PlanCompare(const BsiView& bsi, CompareOp op, int64_t constant) {
  const __int128 off = static_cast<__int128>(constant) - bsi.base;
  const __int128 max_off = MaxOffset(bsi);
  Plan p;
  // Constants outside [base, base + 2^n - 1] decide the answer without slices.
  if (off < 0 || off > max_off) {
    const bool below = off < 0;  // every value is greater than the constant
    switch (op) {
      case CompareOp::kEq: p.kind = Plan::kNone; break;
      case CompareOp::kNe: p.kind = Plan::kAllWithValue; break;
      case CompareOp::kLt:
      case CompareOp::kLe: p.kind = below ? Plan::kNone : Plan::kAllWithValue; break;
      case CompareOp::kGt:
      case CompareOp::kGe: p.kind = below ? Plan::kAllWithValue : Plan::kNone; break;
    }
    return p;
  }
  const uint64_t c = static_cast<uint64_t>(off);
  p.kind = Plan::kRange;
  OffsetRange& r = p.range;
  switch (op) {
    case CompareOp::kEq: r = {true, true, c, c, false}; break;
    case CompareOp::kNe: r = {true, true, c, c, true}; break;
    case CompareOp::kGe: r.has_lo = true, r.lo = c; break;
    case CompareOp::kLe: r.has_hi = true, r.hi = c; break;
    case CompareOp::kGt:
      if (c == static_cast<uint64_t>(max_off)) p.kind = Plan::kNone;
      r.has_lo = true, r.lo = c + 1;
      break;
    case CompareOp::kLt:
      if (c == 0) p.kind = Plan::kNone;
      r.has_hi = true, r.hi = c - 1;
      break;
  }
  if (p.kind == Plan::kRange && !r.has_lo && !r.has_hi) p.kind = Plan::kAllWithValue;
  return p;
}

Plan PlanBetween(const BsiView& bsi, int64_t lo, int64_t hi) {
  Plan p;
  if (lo > hi) return p;
  const __int128 max_off = MaxOffset(bsi);
  const __int128 lo_off = static_cast<__int128>(lo) - bsi.base;
  const __int128 hi_off = static_cast<__int128>(hi) - bsi.base;
  if (hi_off < 0 || lo_off > max_off) return p;
  p.kind = Plan::kRange;
  if (lo_off > 0) p.range.has_lo = true, p.range.lo = static_cast<uint64_t>(lo_off);
  if (hi_off < max_off) p.range.has_hi = true, p.range.hi = static_cast<uint64_t>(hi_off);
  if (!p.range.has_lo && !p.range.has_hi) p.kind = Plan::kAllWithValue;
  return p;
}

Partial Run(const BsiView& bsi, const Plan& p, const Target& t) {
  Partial out;
  switch (p.kind) {
    case Plan::kNone: return out;
    case Plan::kAllWithValue:
      if (t.count_only) {
        out.count = t.within ? roaring_bitmap_and_cardinality(bsi.exists, t.within)
                             : roaring_bitmap_get_cardinality(bsi.exists);
      } else {
        out.users = t.within ? Bitmap::And(bsi.exists, t.within) : Bitmap::Copy(bsi.exists);
      }
      return out;
    case Plan::kRange: return Select(bsi, p.range, t);
  }
  return out;
}

}  // namespace

Bitmap BsiCompare(const BsiView& bsi, CompareOp op, int64_t constant, const roaring_bitmap_t* within) {
  return Run(bsi, PlanCompare(bsi, op, constant), Target{within, false}).users;
}

uint64_t BsiCompareCount(const BsiView& bsi, CompareOp op, int64_t constant, const roaring_bitmap_t* within) {
  return Run(bsi, PlanCompare(bsi, op, constant), Target{within, true}).count;
}

Bitmap BsiBetween(const BsiView& bsi, int64_t lo, int64_t hi, const roaring_bitmap_t* within) {
  return Run(bsi, PlanBetween(bsi, lo, hi), Target{within, false}).users;
}

uint64_t BsiBetweenCount(const BsiView& bsi, int64_t lo, int64_t hi, const roaring_bitmap_t* within) {
  return Run(bsi, PlanBetween(bsi, lo, hi), Target{within, true}).count;
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
  std::vector<uint32_t> members(users.size());
  for (size_t i = 0; i < nslices; ++i) {
    // Branch-free: the bits are random, so a branch would mispredict half the time.
    size_t n = 0;
    for (size_t k = 0; k < offs.size(); ++k) {
      members[n] = sorted_users[k];
      n += (offs[k] >> i) & 1;
    }
    Bitmap s;
    s.AddMany(std::span<const uint32_t>(members.data(), n));
    s.Optimize();
    out.slices.push_back(std::move(s));
  }
  return out;
}

}  // namespace tagloop
