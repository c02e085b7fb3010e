#include "insight/segment_metrics.h"

#include <fmt/format.h>

#include <chrono>

#include "source/sql_template.h"

namespace tagloop {

Result<std::vector<std::string>> ExpandMetricTemplate(std::string_view query_template, Days biz_date) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> pieces, ExpandTableTemplate(query_template, "segment", biz_date));
  if (pieces.size() < 2) {
    return Status::InvalidArgument(
        "query: a metric query names the segment's users as {{segment}} (a relation of one column user_id)");
  }
  return pieces;
}

Result<MetricTable> RunSegmentMetric(Source& source, std::span<const std::string_view> ids,
                                     std::string_view query_template, Days biz_date, const RunControl& control,
                                     const MetricOptions& options) {
  if (options.max_rows < 1 || options.max_rows > 100'000) {
    return Status::InvalidArgument(fmt::format("max_rows: {} is out of range (1..100000)", options.max_rows));
  }
  if (ids.size() > options.max_ids) {
    return Status::InvalidArgument(fmt::format(
        "the segment has {} users; at most {} are pushed to a source for a metric", ids.size(), options.max_ids));
  }
  TableQuery query;
  TAGLOOP_ASSIGN_OR_RETURN(query.pieces, ExpandMetricTemplate(query_template, biz_date));
  query.ids = ids;
  query.max_rows = options.max_rows;
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(TableResult result, source.QueryTable(query, control));
  MetricTable table;
  table.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  table.columns = std::move(result.columns);
  table.rows = std::move(result.rows);
  table.truncated = result.truncated;
  table.users = ids.size();
  table.pushed_as = std::move(result.pushed_as);
  return table;
}

Result<MetricTable> RunSegmentMetric(Source& source, const UserDictionary& dictionary,
                                     const roaring_bitmap_t* users, std::string_view query_template, Days biz_date,
                                     const RunControl& control, const MetricOptions& options) {
  uint64_t n = roaring_bitmap_get_cardinality(users);
  if (n > options.max_ids) {
    return Status::InvalidArgument(fmt::format(
        "the segment has {} users; at most {} are pushed to a source for a metric", n, options.max_ids));
  }
  // Views into the dictionary's mapped ids: no copy of the strings.
  std::vector<std::string_view> ids;
  ids.reserve(n);
  roaring_uint32_iterator_t it;
  roaring_init_iterator(users, &it);
  uint32_t batch[1024];
  for (uint32_t got; (got = roaring_read_uint32_iterator(&it, batch, 1024)) > 0;) {
    for (uint32_t i = 0; i < got; ++i) ids.push_back(dictionary.ExternalId(batch[i]));
  }
  return RunSegmentMetric(source, ids, query_template, biz_date, control, options);
}

}  // namespace tagloop
