// Business metrics of a segment, computed where the business data lives: the
// segment's users (external ids) are pushed to a SQL source and a metric
// query joins them with the source's own tables, so only the metric rows come
// back (never the source's tables):
//
//   SELECT count(*) AS orders, sum(amount) AS revenue
//   FROM orders o JOIN {{segment}} s ON s.user_id = o.member_id
//   WHERE o.paid_at >= '{{biz_date-30}}'
//
// `{{segment}}` (spaces inside the braces allowed) names a relation of one
// text column `user_id` holding the ids; how it reaches the database depends
// on the source kind (Source::QueryTable in source/source.h: a temporary
// table for SQLite and PostgreSQL, an inline VALUES list for ODBC; give it an
// alias, "{{segment}} s", which some databases require for the inline form).
// The other parameters are those of tag queries ({{biz_date}},
// {{biz_date-N}}, {{biz_month}}, ...; source/sql_template.h), taken at the
// business date passed in.
//
// The query is one read-only statement (the source refuses anything else);
// the password of the source never appears in a Status.
//
// Saved metric definitions (reports) call RunSegmentMetric; the HTTP route is
// POST /api/v1/insight/metrics (server/api_insight_metrics.cc).
//
// Thread-safety: the functions are reentrant; a Source is used by one thread
// at a time (source/source.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/status.h"
#include "source/source.h"
#include "store/user_dictionary.h"

namespace tagloop {

struct MetricOptions {
  // Rows kept from the query's result; more set MetricTable::truncated.
  // Default 1000 (1..100000).
  size_t max_rows = 1000;
  // Segments larger than this are refused (InvalidArgument) before anything
  // is sent. Default 10,000,000 ids.
  size_t max_ids = 10'000'000;
};

struct MetricTable {
  std::vector<std::string> columns;
  std::vector<std::vector<TableCell>> rows;
  bool truncated = false;     // the query returned more than max_rows rows
  uint64_t users = 0;         // ids pushed
  double elapsed_ms = 0;      // pushing + running the query
  std::string pushed_as;      // "temp_table" or "values" (TableResult::pushed_as)
};

// Splits a metric query template at each `{{segment}}` and
// expands the other parameters at `biz_date` in each piece: the pieces of a
// TableQuery (ExpandTableTemplate). InvalidArgument when the template names no `{{segment}}` ("a
// metric query names the segment's users as {{segment}}"), or for what
// ExpandSqlTemplate refuses (with the byte position in the whole template).
Result<std::vector<std::string>> ExpandMetricTemplate(std::string_view query_template, Days biz_date);

// Pushes `ids` to `source` and runs the metric query (see the top of this
// file). Errors: those of ExpandMetricTemplate, InvalidArgument for more
// than options.max_ids ids or a bad max_rows, and the source's
// (source/source.h: InvalidArgument for a query the database rejects,
// FailedPrecondition when it cannot connect, Cancelled/DeadlineExceeded by
// `control`, IOError). Nothing of the ids stays in the database.
Result<MetricTable> RunSegmentMetric(Source& source, std::span<const std::string_view> ids,
                                     std::string_view query_template, Days biz_date, const RunControl& control,
                                     const MetricOptions& options = {});

// The same for a segment given as dense ids (a segment's bitmap) and the
// dictionary that names them (the snapshot's; must outlive the call).
Result<MetricTable> RunSegmentMetric(Source& source, const UserDictionary& dictionary,
                                     const roaring_bitmap_t* users, std::string_view query_template, Days biz_date,
                                     const RunControl& control, const MetricOptions& options = {});

}  // namespace tagloop
