// Insight into a segment: how its users are distributed over chosen tags,
// against the whole universe.
//
// For each tag (as of a date) and each of its values - bool/enum/set values,
// or numeric buckets - the answer gives the users of the segment with that
// value, the users of the universe with it, both shares and the TGI:
//
//   segment_share  = segment users with v / segment users
//   universe_share = universe users with v / universe users
//   tgi            = 100 * segment_share / universe_share   (100 = like everyone)
//
// Users without a value are one more row (`is_null`), so the shares of a
// bool/enum tag add up to 1 (a set tag's user may have several values).
//
// Numeric tags (int/decimal/date) are cut into buckets chosen from the
// universe's distribution (numeric_buckets.h), the same for every segment, so
// two segments' rows line up; their statistics (count, sum, avg, min, max
// and percentiles) come for both the segment and the universe. Each row's
// `expr` is the segment-language condition for it (`city = '上海'`,
// `age >= 30 AND age < 40`, `age IS NULL`): AND it with the segment to drill
// down.
//
// Thread-safe: DistributeTags may run concurrently; UniverseBaselines is
// shared and internally locked.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/deadline.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "insight/numeric_buckets.h"
#include "store/tag_store.h"

namespace tagloop {

// One value (or bucket, or "no value") of a tag, in a segment and in the universe.
struct ValueShare {
  std::string value;  // categorical: the value ("true"/"false" for bool); numeric: the bucket label
  bool is_null = false;
  NumericBucket bucket;  // numeric tags only
  std::string expr;      // the condition selecting these users
  uint64_t segment_users = 0;
  uint64_t universe_users = 0;
  double segment_share = 0;
  double universe_share = 0;
  std::optional<double> tgi;  // none when no user of the universe has the value
};

// Statistics of a numeric tag over a set of users, in the tag's stored units
// (decimal scaled by 10^scale, dates in days): format with FormatNumericValue.
struct NumericStats {
  uint64_t count = 0;  // users with a value
  __int128 sum = 0;
  int64_t min = 0, max = 0;
  double avg = 0;  // in stored units
  // (p, the smallest value v such that at least p of the users have a value <= v)
  std::vector<std::pair<double, int64_t>> percentiles;
};

struct TagInsight {
  std::string tag;
  TagType type;
  std::optional<Days> version;  // none: the tag has no version as of the date
  std::vector<ValueShare> values;  // by segment users, descending (numeric: bucket order); null last
  std::optional<NumericStats> segment_stats, universe_stats;  // numeric tags with values
};

// The percentiles insight can report (the universe's are computed once per
// version, for these).
inline constexpr double kInsightPercentiles[] = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};

struct InsightOptions {
  // Percentiles reported for numeric tags, each one of kInsightPercentiles
  // (others are left out of the universe's statistics). Default p25, p50,
  // p75, p90, p99.
  std::vector<double> percentiles = {0.25, 0.5, 0.75, 0.9, 0.99};
  // Categorical tags with more values than this show the top ones by
  // segment users and fold the rest into one "(other)" row. Default 100.
  size_t max_values = 100;
  // Worker threads for the tags (each tag is one task). Default 2.
  unsigned threads = 2;
  // Checked before each tag: once passed, DistributeTags (and Characterize)
  // stop and return its status (Unavailable). Null: no limit. Not owned.
  const Deadline* deadline = nullptr;
};

// What the universe looks like for one tag version: value counts, numeric
// statistics and buckets. Computed once per version and kept (a full pass
// over the version), keyed by the version and the number of deleted users.
struct UniverseBaseline {
  std::vector<uint64_t> value_users;  // categorical: per value index
  uint64_t with_value = 0;
  std::optional<NumericStats> stats;  // with every kInsightPercentiles
  std::vector<NumericBucket> buckets;  // numeric: the bucket scheme
  std::vector<uint64_t> bucket_users;
};

class UniverseBaselines {
 public:
  // Up to `capacity` versions are kept (least recently used go first).
  explicit UniverseBaselines(size_t capacity = 4096) : capacity_(capacity) {}
  std::shared_ptr<const UniverseBaseline> Get(const Snapshot& snapshot,
                                              const std::shared_ptr<const TagVersion>& version);

 private:
  struct Entry {
    std::shared_ptr<const TagVersion> version;  // keeps the key's address unique
    uint64_t deleted = 0;
    std::shared_ptr<const UniverseBaseline> baseline;
    uint64_t last_use = 0;
  };
  std::mutex mu_;
  size_t capacity_;
  uint64_t clock_ = 0;
  std::unordered_map<const TagVersion*, Entry> entries_;
};

// The distribution of `tags` over `segment` (dense ids, within the
// snapshot's universe), each tag read as of `as_of`. NotFound naming the
// first unknown tag. `baselines` may be null (computed per call).
[[nodiscard]] Result<std::vector<TagInsight>> DistributeTags(const Snapshot& snapshot,
                                                             const roaring_bitmap_t* segment,
                                                             std::span<const std::string> tags, Days as_of,
                                                             const InsightOptions& options,
                                                             UniverseBaselines* baselines);

// Statistics of the values `offsets` (value - base, any order; reordered)
// as a numeric tag's values: count, sum, min, max, avg, the percentiles.
NumericStats StatsOfOffsets(std::vector<uint64_t>& offsets, int64_t base, std::span<const double> percentiles);
// The same, also counting the values per bucket into *bucket_counts (one
// per bucket): from per-value counts when the range is narrow, else one
// pass (O(1) per value for round buckets).
NumericStats SummarizeOffsets(std::vector<uint64_t>& offsets, int64_t base, std::span<const double> percentiles,
                              std::span<const NumericBucket> buckets, std::vector<uint64_t>* bucket_counts);
// How many of the values fall in each bucket.
std::vector<uint64_t> CountBuckets(std::span<const uint64_t> offsets, int64_t base,
                                   std::span<const NumericBucket> buckets);

// The literal for `value` of a tag of `type` in the segment language ('上海', 30, 12.50, '2026-10-01', true).
std::string ValueLiteral(const TagType& type, std::string_view value);
std::string NumericLiteral(const TagType& type, int64_t value);

}  // namespace tagloop
