// "What else characterises them": every value of every given tag (numeric
// tags by bucket, tag_insight.h), ranked by how much more common it is in the
// segment than in the universe (TGI), keeping only values held by enough of
// the segment to matter (minimum support), so an operator sees at once which
// other tags this group has - and, at the bottom, which it lacks.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "insight/tag_insight.h"

namespace tagloop {

struct CharacterizeOptions {
  // A value is ranked when at least this share of the segment has it...
  double min_share = 0.01;
  // ...and at least this many of its users. Defaults: 1%, 30 users.
  uint64_t min_users = 30;
  // How many values to return from the top (and, separately, the bottom). Default 50.
  size_t limit = 50;
  InsightOptions insight;
};

struct RankedValue {
  std::string tag;
  TagType type;
  ValueShare share;  // share.tgi is set (values the universe lacks are not ranked)
};

struct Characterization {
  uint64_t segment_users = 0, universe_users = 0;
  size_t tags = 0, values_considered = 0, values_supported = 0;
  std::vector<RankedValue> over;   // highest TGI first
  std::vector<RankedValue> under;  // lowest TGI first (TGI < 100)
};

// Ranks the values of `tags` (as of `as_of`) for `segment`. Tags without a
// version at the date are skipped; "no value" rows are not ranked.
[[nodiscard]] Result<Characterization> Characterize(const Snapshot& snapshot, const roaring_bitmap_t* segment,
                                                    std::span<const std::string> tags, Days as_of,
                                                    const CharacterizeOptions& options,
                                                    UniverseBaselines* baselines);

}  // namespace tagloop
