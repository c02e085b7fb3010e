// Reports: a saved question over a base segment, cut by one or two
// dimensions, answered as a table in which every cell is itself a segment.
//
//   {"title": "VIP 城市 × 年龄",
//    "base": "is_vip",                         -- any segment expression (default ALL)
//    "dimensions": [{"tag": "city", "limit": 10},
//                   {"tag": "age", "edges": [18, 30, 40, 50]}],
//    "measures": [{"kind": "users"}, {"kind": "avg", "tag": "spend_total"},
//                 {"kind": "metric", "source": "biz", "query": "SELECT ... {{segment}} ..."}],
//    "as_of": "2026-10-31"                     -- or "series": {"from", "to", "step_days"}
//   }
//
// Dimensions: a bool/enum/set tag's values (the `limit` largest in the base,
// default 20, the rest folded into "(other)"; `include_null` adds a "(none)"
// row), or a numeric tag's buckets: explicit `edges` (ascending; open buckets
// below the first and from the last), else the buckets insight chooses from
// the universe (numeric_buckets.h). Measures: users; sum/avg/min/max of a
// numeric tag over the cell's users with a value; metric: a query against a
// SQL source with the cell's users pushed to it (run by a MetricRunner the
// caller supplies; segment_metrics.h). Each cell carries its `expr`:
// `(base) AND (dim1 condition) AND (dim2 condition)`, ready to count, open in
// insight, export or save.
//
// Thread-safe: pure functions over a Snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/status.h"
#include "insight/numeric_buckets.h"
#include "insight/tag_insight.h"
#include "segment/segment.h"
#include "store/tag_store.h"

namespace tagloop {

inline constexpr size_t kMaxReportDimensionValues = 200;
// Work any caller (a viewer) may ask for is bounded: at most 92 dates (a
// quarter of days) per series, and at most 10,000 cells over all of a run's
// tables (a 200 x 200 report over 7 dates was 280,000 cells: 24 s and 34 MB
// of answer). Checked before any cell is computed (RunReport).
inline constexpr int kMaxReportSeriesPoints = 92;
inline constexpr uint64_t kMaxReportCells = 10'000;

struct ReportDimension {
  std::string tag;
  size_t limit = 20;
  bool include_null = false;
  // Numeric tags: bucket boundaries as written ("30", "12.50",
  // "2026-10-01"), converted with the tag's type at run time; empty: the
  // buckets insight chooses.
  std::vector<std::string> edges;
};

enum class MeasureKind : uint8_t { kUsers, kSum, kAvg, kMin, kMax, kMetric };

// "users", "sum", "avg", "min", "max", "metric".
const char* MeasureKindName(MeasureKind kind);

struct ReportMeasure {
  MeasureKind kind = MeasureKind::kUsers;
  std::string tag;     // sum/avg/min/max
  std::string source;  // metric
  std::string query;   // metric
  std::string label;   // column title; default "users", "avg(spend_total)", the source name
};

struct ReportSeries {
  Days from = 0, to = 0;
  int step_days = 1;
};

struct ReportDefinition {
  std::string title;
  std::string description;
  std::string base = "ALL";
  std::vector<ReportDimension> dimensions;  // 1 or 2
  std::vector<ReportMeasure> measures;      // at least 1
  std::optional<Days> as_of;
  std::optional<ReportSeries> series;
};

// Reads a definition from its JSON form. InvalidArgument naming the field
// ("dimensions[1].edges: ...") for anything wrong: unknown fields, a missing
// tag, 0 or 3+ dimensions, no measures, a bad kind, a series and an as_of.
// Tag names and types are checked against a snapshot by RunReport (and
// ValidateReport), not here.
[[nodiscard]] Result<ReportDefinition> ParseReportDefinition(const nlohmann::json& json);
// The JSON form (what ParseReportDefinition reads back).
nlohmann::json ReportDefinitionJson(const ReportDefinition& definition);

// A measure's value in one cell: null when the cell has no user with a value.
struct MeasureValue {
  std::optional<double> number;  // users, avg (stored units)
  std::optional<__int128> exact;  // sum/min/max in stored units
  nlohmann::json metric;          // metric: {"columns": [...], "rows": [[...]]}
};

struct ReportCell {
  std::vector<std::string> keys;  // one label per dimension
  std::vector<bool> key_is_null;
  std::string expr;
  uint64_t users = 0;
  std::vector<MeasureValue> measures;
};

struct ReportTable {
  Days as_of = 0;
  uint64_t base_users = 0;
  std::vector<std::string> dimension_values[2];  // row / column labels in order
  std::vector<ReportCell> cells;                   // row-major; empty cells kept (users 0)
  bool truncated = false;                          // a dimension had more values than its limit
};

struct ReportResult {
  std::vector<ReportTable> tables;  // one, or one per series date
  double elapsed_ms = 0;
};

// Runs a metric measure for a cell's users; supplied by the caller (the
// server, with its sources and audit). May be empty when no measure is a metric.
using MetricRunner =
    std::function<Result<nlohmann::json>(const ReportMeasure& measure, const roaring_bitmap_t* users, Days as_of)>;

struct ReportRunOptions {
  SegmentQueryOptions query;  // saved segments, tag access; as_of is the default date
  MetricRunner metrics;
  UniverseBaselines* baselines = nullptr;  // bucket schemes of numeric dimensions
  unsigned threads = 2;
};

// Runs the report. Errors: the base expression's (as CountSegment gives
// them), NotFound for an unknown tag, InvalidArgument for a measure on a
// non-numeric tag, or a metric measure without a runner. A dimension tag
// without a version at a date has no rows there (only "(none)" when asked).
// InvalidArgument naming kMaxReportCells before any cell is computed when
// the cells (estimated from each dimension's version at the last date:
// values up to the limit plus "(other)", edges + 1 or insight's buckets,
// plus "(none)") times the dates exceed it, or when a date's dimensions
// turn out to exceed what is left of it. options.query.deadline is checked
// for each cell: once passed, its status (Unavailable).
[[nodiscard]] Result<ReportResult> RunReport(const Snapshot& snapshot, const ReportDefinition& definition,
                                             const ReportRunOptions& options);

// Checks the tags and the base expression against the snapshot, without running.
[[nodiscard]] Status ValidateReport(const Snapshot& snapshot, const ReportDefinition& definition,
                                    const ReportRunOptions& options);

}  // namespace tagloop
