#include "insight/tag_insight.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>

#include "core/parallel.h"
#include "segment/quote.h"

namespace tagloop {

namespace {

// Offsets spanning less than this are counted in an array (exact
// percentiles in one pass); wider ones are partially sorted.
constexpr uint64_t kCountingRange = uint64_t{1} << 22;

uint64_t NearestRank(double p, uint64_t n) {
  double r = std::ceil(p * static_cast<double>(n) - 1e-9);
  return std::clamp<uint64_t>(r < 1 ? 1 : static_cast<uint64_t>(r), 1, n);
}

uint64_t DeletedUsers(const Snapshot& snapshot) { return snapshot.user_count() - snapshot.universe_size(); }

// The universe filter a version needs: null when nobody was deleted (every
// user of every version is in the universe).
const roaring_bitmap_t* UniverseFilter(const Snapshot& snapshot) {
  return DeletedUsers(snapshot) ? snapshot.universe() : nullptr;
}

double Share(uint64_t part, uint64_t whole) { return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0; }

void FillShares(ValueShare& row, uint64_t segment_size, uint64_t universe_size) {
  row.segment_share = Share(row.segment_users, segment_size);
  row.universe_share = Share(row.universe_users, universe_size);
  if (row.universe_share > 0) row.tgi = 100.0 * row.segment_share / row.universe_share;
}

int64_t PercentileOf(const NumericStats& s, double p) {
  for (const auto& [q, v] : s.percentiles) {
    if (q == p) return v;
  }
  return s.min;
}

NumericStats KeepPercentiles(NumericStats s, std::span<const double> wanted) {
  std::vector<std::pair<double, int64_t>> kept;
  for (double p : wanted) {
    for (const auto& [q, v] : s.percentiles) {
      if (q == p) kept.emplace_back(p, v);
    }
  }
  s.percentiles = std::move(kept);
  return s;
}

std::shared_ptr<const UniverseBaseline> ComputeBaseline(const Snapshot& snapshot, const TagVersion& version) {
  auto out = std::make_shared<UniverseBaseline>();
  const roaring_bitmap_t* filter = UniverseFilter(snapshot);
  out->with_value = filter ? roaring_bitmap_and_cardinality(version.exists(), filter) : version.users_with_value();
  if (!version.type().is_numeric()) {
    out->value_users.resize(version.value_count());
    for (size_t i = 0; i < version.value_count(); ++i) {
      out->value_users[i] = filter ? roaring_bitmap_and_cardinality(version.value_users(i), filter)
                                   : version.value_cardinality(i);
    }
    return out;
  }
  std::vector<uint64_t> offsets;
  version.NumericOffsets(filter, &offsets);
  if (offsets.empty()) return out;
  const int64_t base = version.bsi().base;
  NumericStats stats = StatsOfOffsets(offsets, base, kInsightPercentiles);
  out->buckets = ChooseNumericBuckets(version.type(), stats.min, stats.max, PercentileOf(stats, 0.01),
                                      PercentileOf(stats, 0.99));
  out->bucket_users = CountBuckets(offsets, base, out->buckets);
  out->stats = std::move(stats);
  return out;
}

TagInsight CategoricalInsight(const TagVersion& version, const UniverseBaseline& baseline,
                              const roaring_bitmap_t* segment, std::span<const uint32_t> ids, uint64_t segment_size,
                              uint64_t universe_size,
                              const std::string& tag, const InsightOptions& options) {
  TagInsight out;
  std::vector<ValueShare> rows;
  rows.reserve(version.value_count());
  std::vector<uint64_t> counts;
  version.CountValues(segment, ids, &counts);
  for (size_t i = 0; i < version.value_count(); ++i) {
    ValueShare row;
    row.value = std::string(version.value(i));
    row.expr = fmt::format("{} = {}", tag, ValueLiteral(version.type(), row.value));
    row.segment_users = counts[i];
    row.universe_users = baseline.value_users[i];
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const ValueShare& a, const ValueShare& b) {
    return a.segment_users != b.segment_users ? a.segment_users > b.segment_users : a.value < b.value;
  });
  if (rows.size() > options.max_values) {
    // The rest become one row; its users are those with only folded values
    // (exact for bool/enum, where a user has one value).
    ValueShare other;
    other.value = "(other)";
    std::vector<std::string> literals;
    for (size_t i = options.max_values; i < rows.size(); ++i) {
      other.segment_users += rows[i].segment_users;
      other.universe_users += rows[i].universe_users;
      literals.push_back(ValueLiteral(version.type(), rows[i].value));
    }
    other.expr = fmt::format("{} IN ({})", tag, fmt::join(literals, ", "));
    rows.resize(options.max_values);
    rows.push_back(std::move(other));
  }
  out.values = std::move(rows);
  ValueShare none;
  none.is_null = true;
  none.expr = tag + " IS NULL";
  none.segment_users = segment_size - roaring_bitmap_and_cardinality(version.exists(), segment);
  none.universe_users = universe_size - baseline.with_value;
  if (none.segment_users || none.universe_users) out.values.push_back(std::move(none));
  return out;
}

TagInsight NumericInsight(const TagVersion& version, const UniverseBaseline& baseline,
                          const roaring_bitmap_t* segment, std::span<const uint32_t> ids, uint64_t segment_size,
                          uint64_t universe_size,
                          const std::string& tag, const InsightOptions& options) {
  TagInsight out;
  const TagType& type = version.type();
  std::vector<uint64_t> offsets;
  version.NumericOffsets(segment, ids, &offsets);
  const int64_t base = version.bsi().base;
  std::vector<uint64_t> counts;
  if (!offsets.empty()) {
    out.segment_stats = SummarizeOffsets(offsets, base, options.percentiles, baseline.buckets, &counts);
  }
  counts.resize(baseline.buckets.size(), 0);
  for (size_t i = 0; i < baseline.buckets.size(); ++i) {
    ValueShare row;
    row.bucket = baseline.buckets[i];
    row.value = BucketLabel(type, row.bucket);
    row.expr = BucketExpr(type, tag, row.bucket);
    row.segment_users = counts[i];
    row.universe_users = baseline.bucket_users[i];
    out.values.push_back(std::move(row));
  }
  ValueShare none;
  none.is_null = true;
  none.expr = tag + " IS NULL";
  none.segment_users = segment_size - offsets.size();
  none.universe_users = universe_size - baseline.with_value;
  if (none.segment_users || none.universe_users) out.values.push_back(std::move(none));
  if (baseline.stats) out.universe_stats = KeepPercentiles(*baseline.stats, options.percentiles);
  return out;
}

}  // namespace

std::string ValueLiteral(const TagType& type, std::string_view value) {
  if (type.kind == TagKind::kBool) return value == "true" ? "TRUE" : "FALSE";
  return segment::QuoteString(value);
}

std::string NumericLiteral(const TagType& type, int64_t value) {
  std::string text = FormatNumericValue(type, value);
  return type.kind == TagKind::kDate ? "'" + text + "'" : text;
}

namespace {

// Bucket of a value in O(1) for round buckets (equal width between the open
// ends), else by a binary search.
class BucketIndexer {
 public:
  explicit BucketIndexer(std::span<const NumericBucket> buckets) : buckets_(buckets) {
    first_ = buckets.front().lo ? 0 : 1;
    last_ = buckets.back().hi ? buckets.size() : buckets.size() - 1;  // inner buckets [first_, last_)
    if (last_ > first_) {
      lo_ = *buckets[first_].lo;
      step_ = *buckets[first_].hi - lo_;
      equal_ = step_ > 0;
      for (size_t i = first_; i < last_ && equal_; ++i) {
        equal_ = buckets[i].lo && buckets[i].hi && *buckets[i].hi - *buckets[i].lo == step_;
      }
    }
  }
  size_t operator()(int64_t v) const {
    if (!equal_) return BucketOf(buckets_, v);
    if (v < lo_) return 0;
    const uint64_t k = (static_cast<uint64_t>(v) - static_cast<uint64_t>(lo_)) / static_cast<uint64_t>(step_);
    return std::min<uint64_t>(first_ + k, buckets_.size() - 1);
  }

 private:
  std::span<const NumericBucket> buckets_;
  size_t first_ = 0, last_ = 0;
  int64_t lo_ = 0, step_ = 0;
  bool equal_ = false;
};

}  // namespace

std::vector<uint64_t> CountBuckets(std::span<const uint64_t> offsets, int64_t base,
                                   std::span<const NumericBucket> buckets) {
  std::vector<uint64_t> counts(buckets.size(), 0);
  if (buckets.empty()) return counts;
  BucketIndexer index(buckets);
  for (uint64_t off : offsets) ++counts[index(static_cast<int64_t>(static_cast<uint64_t>(base) + off))];
  return counts;
}

NumericStats StatsOfOffsets(std::vector<uint64_t>& offsets, int64_t base, std::span<const double> percentiles) {
  return SummarizeOffsets(offsets, base, percentiles, {}, nullptr);
}

NumericStats SummarizeOffsets(std::vector<uint64_t>& offsets, int64_t base, std::span<const double> percentiles,
                              std::span<const NumericBucket> buckets, std::vector<uint64_t>* bucket_counts) {
  NumericStats s;
  s.count = offsets.size();
  if (bucket_counts) bucket_counts->assign(buckets.size(), 0);
  if (offsets.empty()) return s;
  uint64_t lo = UINT64_MAX, hi = 0;
  unsigned __int128 sum = 0;
  for (uint64_t v : offsets) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  auto value = [&](uint64_t off) { return static_cast<int64_t>(static_cast<uint64_t>(base) + off); };
  s.min = value(lo);
  s.max = value(hi);
  s.sum = static_cast<__int128>(sum) + static_cast<__int128>(base) * static_cast<__int128>(s.count);
  s.avg = static_cast<double>(s.sum) / static_cast<double>(s.count);
  std::vector<double> ps(percentiles.begin(), percentiles.end());
  std::sort(ps.begin(), ps.end());
  // A narrow range is counted per value: percentiles and buckets then come
  // from the counts, without touching the values again.
  const uint64_t range = hi - lo;
  if (range < kCountingRange && range <= 4 * s.count) {
    std::vector<uint32_t> counts(range + 1, 0);
    for (uint64_t v : offsets) ++counts[v - lo];
    uint64_t seen = 0;
    size_t at = 0;
    for (double p : ps) {
      uint64_t rank = NearestRank(p, s.count);
      while (seen + counts[at] < rank) seen += counts[at++];
      s.percentiles.emplace_back(p, value(lo + at));
    }
    if (bucket_counts && !buckets.empty()) {
      BucketIndexer index(buckets);
      for (uint64_t v = 0; v <= range; ++v) {
        if (counts[v]) (*bucket_counts)[index(value(lo + v))] += counts[v];
      }
    }
    return s;
  }
  if (bucket_counts && !buckets.empty()) *bucket_counts = CountBuckets(offsets, base, buckets);
  // A wide range: a histogram of the top 16 bits finds each percentile's
  // bin; a second pass keeps only the values of those bins, which are then
  // selected exactly (two passes instead of sorting).
  const int shift = std::max(0, static_cast<int>(std::bit_width(range)) - 16);
  std::vector<uint32_t> coarse((range >> shift) + 1, 0);
  for (uint64_t v : offsets) ++coarse[(v - lo) >> shift];
  struct Want {
    double p;
    size_t bin;
    uint64_t rank_in_bin;  // 1-based
  };
  std::vector<Want> wants;
  uint64_t seen = 0;
  size_t bin = 0;
  for (double p : ps) {
    uint64_t rank = NearestRank(p, s.count);
    while (seen + coarse[bin] < rank) seen += coarse[bin++];
    wants.push_back({p, bin, rank - seen});
  }
  std::vector<std::vector<uint64_t>> members(wants.size());
  for (uint64_t v : offsets) {
    const size_t b = (v - lo) >> shift;
    for (size_t i = 0; i < wants.size(); ++i) {
      if (wants[i].bin == b) {
        members[i].push_back(v);
        break;  // the first want of this bin holds its values for all of them
      }
    }
  }
  for (size_t i = 0; i < wants.size(); ++i) {
    size_t holder = i;
    while (holder > 0 && wants[holder - 1].bin == wants[i].bin) --holder;
    std::vector<uint64_t>& m = members[holder];
    auto nth = m.begin() + static_cast<ptrdiff_t>(wants[i].rank_in_bin - 1);
    std::nth_element(m.begin(), nth, m.end());
    s.percentiles.emplace_back(wants[i].p, value(*nth));
  }
  return s;
}

std::shared_ptr<const UniverseBaseline> UniverseBaselines::Get(const Snapshot& snapshot,
                                                               const std::shared_ptr<const TagVersion>& version) {
  const uint64_t deleted = DeletedUsers(snapshot);
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(version.get());
    if (it != entries_.end() && it->second.version == version && it->second.deleted == deleted) {
      it->second.last_use = ++clock_;
      return it->second.baseline;
    }
  }
  // Computed outside the lock: two threads may both compute one the first time.
  auto baseline = ComputeBaseline(snapshot, *version);
  std::lock_guard lock(mu_);
  if (entries_.size() >= capacity_) {
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.last_use < b.second.last_use;
    });
    entries_.erase(oldest);
  }
  entries_[version.get()] = Entry{version, deleted, baseline, ++clock_};
  return baseline;
}

Result<std::vector<TagInsight>> DistributeTags(const Snapshot& snapshot, const roaring_bitmap_t* segment,
                                               std::span<const std::string> tags, Days as_of,
                                               const InsightOptions& options, UniverseBaselines* baselines) {
  std::vector<std::shared_ptr<const TagVersion>> versions(tags.size());
  std::vector<TagInsight> out(tags.size());
  for (size_t i = 0; i < tags.size(); ++i) {
    const TagInfo* info = snapshot.FindTag(tags[i]);
    if (!info) return Status::NotFound(fmt::format("unknown tag '{}'", tags[i]));
    TAGLOOP_ASSIGN_OR_RETURN(versions[i], snapshot.VersionAsOf(tags[i], as_of));
    out[i].tag = tags[i];
    out[i].type = info->type;
    if (versions[i]) out[i].version = versions[i]->date();
  }
  const uint64_t segment_size = roaring_bitmap_get_cardinality(segment);
  const uint64_t universe_size = snapshot.universe_size();
  UniverseBaselines local;
  UniverseBaselines* cache = baselines ? baselines : &local;
  // The segment's ids, decoded once for every tag that reads a forward column.
  std::vector<uint32_t> ids(segment_size);
  roaring_bitmap_to_uint32_array(segment, ids.data());
  std::atomic<bool> expired{false};
  ParallelFor(options.threads, tags.size(), [&](size_t i) {
    if (!versions[i] || expired.load(std::memory_order_relaxed)) return;
    if (options.deadline && options.deadline->Expired()) {
      expired.store(true, std::memory_order_relaxed);
      return;
    }
    const TagVersion& version = *versions[i];
    auto baseline = cache->Get(snapshot, versions[i]);
    TagInsight t = version.type().is_numeric()
                       ? NumericInsight(version, *baseline, segment, ids, segment_size, universe_size, tags[i],
                                        options)
                       : CategoricalInsight(version, *baseline, segment, ids, segment_size, universe_size, tags[i],
                                            options);
    t.tag = std::move(out[i].tag);
    t.type = out[i].type;
    t.version = out[i].version;
    out[i] = std::move(t);
  });
  if (expired.load()) {
    return options.deadline->Check(fmt::format("computing the values of {} tags", tags.size()));
  }
  for (TagInsight& t : out) {
    if (!t.version) {
      ValueShare none;
      none.is_null = true;
      none.expr = t.tag + " IS NULL";
      none.segment_users = segment_size;
      none.universe_users = universe_size;
      t.values.push_back(std::move(none));
    }
    for (ValueShare& row : t.values) FillShares(row, segment_size, universe_size);
  }
  return out;
}

}  // namespace tagloop
