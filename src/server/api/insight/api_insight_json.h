// What the insight and report routes share: evaluating the segment a
// request names (api/request.h: ReadAudience), and insight results as JSON.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/bitmap.h"
#include "insight/report.h"
#include "insight/tag_insight.h"
#include "segment/references.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/request.h"

namespace tagloop {

// The segment evaluated for the caller as of "as_of" (default today).
struct InsightSegment {
  std::shared_ptr<const Snapshot> snapshot;
  std::string expr, segment;
  std::string text;  // the segment's name, else the expression
  Days as_of = 0;
  Bitmap users;
  CatalogTagAccess access;
  SegmentReferences references;
};
// `snapshot` null: the store's current one. Records the tags read as usage ("insight").
// The audience (ReadAudience) and "as_of" of `body`.
[[nodiscard]] Result<InsightSegment> EvaluateInsightSegment(ApiContext& ctx, const ApiCall& call,
                                                            const JsonBody& body,
                                                            std::shared_ptr<const Snapshot> snapshot = nullptr);

// {"expr", "segment"?, "as_of", "users", "universe_users"}
Json SegmentHeaderJson(const InsightSegment& segment);
Json ValueShareJson(const TagType& type, const ValueShare& share);
Json NumericStatsJson(const TagType& type, const NumericStats& stats);
Json TagInsightJson(const TagInsight& insight);

// Runs reports' metric measures: the cell's users pushed to the measure's
// SQL source (insight/segment_metrics.h), audited like any export of ids.
MetricRunner SegmentMetricRunner(ApiContext& ctx, const ApiCall& call);

}  // namespace tagloop
