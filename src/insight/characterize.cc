#include "insight/characterize.h"

#include <algorithm>

namespace tagloop {

Result<Characterization> Characterize(const Snapshot& snapshot, const roaring_bitmap_t* segment,
                                      std::span<const std::string> tags, Days as_of,
                                      const CharacterizeOptions& options, UniverseBaselines* baselines) {
  InsightOptions insight = options.insight;
  insight.max_values = SIZE_MAX;  // every value is a candidate
  insight.percentiles.clear();    // ranking needs no percentiles
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagInsight> all,
                           DistributeTags(snapshot, segment, tags, as_of, insight, baselines));
  Characterization out;
  out.segment_users = roaring_bitmap_get_cardinality(segment);
  out.universe_users = snapshot.universe_size();
  std::vector<RankedValue> ranked;
  for (TagInsight& t : all) {
    if (!t.version) continue;
    ++out.tags;
    for (ValueShare& row : t.values) {
      if (row.is_null) continue;
      ++out.values_considered;
      if (!row.tgi || row.segment_users < options.min_users || row.segment_share < options.min_share) continue;
      ranked.push_back(RankedValue{t.tag, t.type, std::move(row)});
    }
  }
  out.values_supported = ranked.size();
  auto by_tgi = [](const RankedValue& a, const RankedValue& b) {
    if (*a.share.tgi != *b.share.tgi) return *a.share.tgi > *b.share.tgi;
    if (a.share.segment_users != b.share.segment_users) return a.share.segment_users > b.share.segment_users;
    return a.tag != b.tag ? a.tag < b.tag : a.share.value < b.share.value;
  };
  std::sort(ranked.begin(), ranked.end(), by_tgi);
  for (size_t i = 0; i < ranked.size() && out.over.size() < options.limit; ++i) {
    if (*ranked[i].share.tgi <= 100) break;
    out.over.push_back(ranked[i]);
  }
  for (size_t i = ranked.size(); i-- > 0 && out.under.size() < options.limit;) {
    if (*ranked[i].share.tgi >= 100) break;
    out.under.push_back(ranked[i]);
  }
  return out;
}

}  // namespace tagloop
