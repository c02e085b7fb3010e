// What the insight and report routes share: reading the segment a request
// names ("expr" or "segment"), and insight results as JSON.
#pragma once

#include <initializer_list>
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

namespace tagloop {

// The segment of a request: "expr" (an expression) or "segment" (a saved
// segment's name, read as SEGMENT('name')), exactly one of them.
struct InsightSegmentText {
  std::string expr;     // what is evaluated
  std::string segment;  // the saved segment's name, when given so
};
[[nodiscard]] Result<InsightSegmentText> InsightSegmentExpr(const nlohmann::json& body);

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
[[nodiscard]] Result<InsightSegment> EvaluateInsightSegment(ApiContext& ctx, const ApiCall& call,
                                                            const nlohmann::json& body,
                                                            std::shared_ptr<const Snapshot> snapshot = nullptr);

// InvalidArgument naming the first key of `body` not in `allowed`.
[[nodiscard]] Status CheckFields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);
// A required "YYYY-MM-DD" field.
[[nodiscard]] Result<Days> RequiredDate(const nlohmann::json& body, const char* key);
// An optional whole number from `min` to `max`; `fallback` when absent or null.
[[nodiscard]] Result<uint64_t> OptionalCount(const nlohmann::json& body, const char* key, uint64_t min, uint64_t max,
                                             uint64_t fallback);

// {"expr", "segment"?, "as_of", "users", "universe_users"}
Json SegmentHeaderJson(const InsightSegment& segment);
Json ValueShareJson(const TagType& type, const ValueShare& share);
Json NumericStatsJson(const TagType& type, const NumericStats& stats);
Json TagInsightJson(const TagInsight& insight);

// Runs reports' metric measures: the cell's users pushed to the measure's
// SQL source (insight/segment_metrics.h), audited like any export of ids.
MetricRunner SegmentMetricRunner(ApiContext& ctx, const ApiCall& call);

}  // namespace tagloop
