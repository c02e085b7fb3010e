#include "insight/numeric_buckets.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/date.h"

namespace tagloop {

namespace {

// The smallest step of 1, 2 or 5 times a power of ten with span / step <= target.
int64_t NiceStep(__int128 span, int target) {
  int64_t power = 1;
  while (true) {
    for (int64_t m : {1, 2, 5}) {
      __int128 step = static_cast<__int128>(m) * power;
      if ((span + step - 1) / step <= target) return static_cast<int64_t>(step);
    }
    if (power > INT64_MAX / 10) return INT64_MAX;
    power *= 10;
  }
}

__int128 FloorTo(__int128 v, int64_t step) {
  __int128 q = v / step;
  if (v % step != 0 && v < 0) --q;
  return q * step;
}

// Equal-width buckets of round boundaries, open at the ends when the tails
// reach past [p01, p99].
std::vector<NumericBucket> RoundBuckets(int64_t min, int64_t max, int64_t p01, int64_t p99, int target,
                                        int64_t min_step) {
  __int128 span = static_cast<__int128>(p99) - p01 + 1;
  int inner = std::max(1, target - (min < p01 ? 1 : 0) - (max > p99 ? 1 : 0));
  int64_t step = std::max(min_step, NiceStep(span, inner));
  __int128 lo = FloorTo(p01, step);
  __int128 hi = FloorTo(p99, step) + step;  // exclusive
  std::vector<NumericBucket> out;
  if (min < lo) out.push_back({std::nullopt, static_cast<int64_t>(lo)});
  for (__int128 b = lo; b < hi; b += step) {
    NumericBucket bucket;
    bucket.lo = static_cast<int64_t>(b);
    if (b + step <= INT64_MAX) bucket.hi = static_cast<int64_t>(b + step);
    out.push_back(bucket);
  }
  if (max >= hi && out.back().hi) out.push_back({out.back().hi, std::nullopt});
  if (out.front().lo && min < *out.front().lo) out.front().lo.reset();
  return out;
}

Days MonthStart(Days d, int add_months) {
  int y;
  unsigned m, day;
  CivilFromDays(d, y, m, day);
  int total = y * 12 + static_cast<int>(m) - 1 + add_months;
  return DaysFromCivil(total / 12, static_cast<unsigned>(total % 12) + 1, 1);
}

// Dates: days (short spans), else calendar months (1, 2, 3 or 6 at a time),
// else calendar years (1, 2, 5, 10, 20, ... at a time), whichever first gives
// at most about `target` buckets.
std::vector<NumericBucket> DateBuckets(int64_t min, int64_t max, int64_t p01, int64_t p99, int target) {
  const int64_t span = p99 - p01 + 1;
  if (span <= int64_t{31} * target) return RoundBuckets(min, max, p01, p99, target, 1);
  std::vector<NumericBucket> out;
  auto close = [&] {
    if (min < *out.front().lo) out.insert(out.begin(), NumericBucket{std::nullopt, out.front().lo});
    if (max >= *out.back().hi) out.push_back({out.back().hi, std::nullopt});
    return out;
  };
  for (int months : {1, 2, 3, 6}) {
    if (span / 30 / months > target + 2) continue;  // a year by month is natural
    Days lo = MonthStart(static_cast<Days>(p01), 0);
    for (Days b = lo; b <= p99; b = MonthStart(b, months)) out.push_back({b, MonthStart(b, months)});
    return close();
  }
  int years = 1;
  while (span / 365 / years > target) years = years == 1 ? 2 : years == 2 ? 5 : years * 2;
  int y0;
  unsigned m, d;
  CivilFromDays(static_cast<Days>(p01), y0, m, d);
  y0 -= ((y0 % years) + years) % years;
  for (int y = y0; DaysFromCivil(y, 1, 1) <= p99; y += years) {
    out.push_back({DaysFromCivil(y, 1, 1), DaysFromCivil(y + years, 1, 1)});
  }
  return close();
}

}  // namespace

std::vector<NumericBucket> ChooseNumericBuckets(const TagType& type, int64_t min, int64_t max, int64_t p01,
                                                int64_t p99, int target) {
  target = std::max(1, target);
  if (type.kind == TagKind::kDate) return DateBuckets(min, max, p01, p99, target);
  // Decimals: boundaries no finer than one unit of the last digit.
  return RoundBuckets(min, max, p01, p99, target, 1);
}

size_t BucketOf(std::span<const NumericBucket> buckets, int64_t value) {
  // The first bucket whose upper bound is above the value.
  size_t lo = 0, hi = buckets.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (buckets[mid].hi && *buckets[mid].hi <= value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return std::min(lo, buckets.size() - 1);
}

std::string BucketLabel(const TagType& type, const NumericBucket& bucket) {
  if (type.kind == TagKind::kDate && bucket.lo && bucket.hi) {
    int y1, y2;
    unsigned m1, m2, d1, d2;
    CivilFromDays(static_cast<Days>(*bucket.lo), y1, m1, d1);
    CivilFromDays(static_cast<Days>(*bucket.hi), y2, m2, d2);
    if (d1 == 1 && d2 == 1) {
      int months = (y2 * 12 + static_cast<int>(m2)) - (y1 * 12 + static_cast<int>(m1));
      if (months == 1) return fmt::format("{:04}-{:02}", y1, m1);
      if (m1 == 1 && m2 == 1) return months == 12 ? fmt::format("{}", y1) : fmt::format("{} – {}", y1, y2 - 1);
    }
  }
  // Labels show the last value a bucket holds (one stored unit below its
  // exclusive bound), so "20 – 29" reads as people expect.
  if (!bucket.lo && !bucket.hi) return "all";
  if (!bucket.lo) return "< " + FormatNumericValue(type, *bucket.hi);
  if (!bucket.hi) return ">= " + FormatNumericValue(type, *bucket.lo);
  if (*bucket.hi - *bucket.lo == 1) return FormatNumericValue(type, *bucket.lo);
  return FormatNumericValue(type, *bucket.lo) + " – " + FormatNumericValue(type, *bucket.hi - 1);
}

std::string BucketExpr(const TagType& type, std::string_view tag, const NumericBucket& bucket) {
  auto literal = [&](int64_t v) {
    std::string text = FormatNumericValue(type, v);
    return type.kind == TagKind::kDate ? "'" + text + "'" : text;
  };
  if (!bucket.lo && !bucket.hi) return fmt::format("{} IS NOT NULL", tag);
  if (!bucket.lo) return fmt::format("{} < {}", tag, literal(*bucket.hi));
  if (!bucket.hi) return fmt::format("{} >= {}", tag, literal(*bucket.lo));
  if (*bucket.hi - *bucket.lo == 1) return fmt::format("{} = {}", tag, literal(*bucket.lo));
  return fmt::format("{} >= {} AND {} < {}", tag, literal(*bucket.lo), tag, literal(*bucket.hi));
}

}  // namespace tagloop
