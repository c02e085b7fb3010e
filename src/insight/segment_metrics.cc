#include "insight/segment_metrics.h"

#include <fmt/format.h>

#include <chrono>

namespace tagloop {

namespace {

// Where the next "{{ segment }}" starts at or after `from` (npos when none);
// *length gets its length.
size_t FindSegmentReference(std::string_view text, size_t from, size_t* length) {
  for (size_t open = text.find("{{", from); open != std::string_view::npos; open = text.find("{{", open + 1)) {
    size_t p = open + 2;
    auto blanks = [&] {
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    };
    blanks();
    if (text.substr(p, 7) != "segment") continue;
    p += 7;
    blanks();
    if (text.substr(p, 2) != "}}") continue;
    *length = p + 2 - open;
    return open;
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::vector<std::string>> ExpandMetricTemplate(std::string_view query_template, Days biz_date) {
  std::vector<std::string_view> raw;
  std::string blanked(query_template);  // references as blanks: same positions for errors
  size_t start = 0, length = 0;
  for (size_t at = FindSegmentReference(query_template, 0, &length); at != std::string_view::npos;
       at = FindSegmentReference(query_template, start, &length)) {
    raw.push_back(query_template.substr(start, at - start));
    blanked.replace(at, length, length, ' ');
    start = at + length;
  }
  raw.push_back(query_template.substr(start));
  if (raw.size() < 2) {
    return Status::InvalidArgument(
        "query: a metric query names the segment's users as {{segment}} (a relation of one column user_id)");
  }
  // Checks the whole text once, so an error's position is the template's.
  Result<std::string> whole = ExpandSqlTemplate(blanked, biz_date);
  if (!whole.ok()) return whole.status();
  std::vector<std::string> pieces;
  pieces.reserve(raw.size());
  for (std::string_view piece : raw) {
    // A parameter never spans a {{segment}}, so each piece expands alone.
    TAGLOOP_ASSIGN_OR_RETURN(std::string expanded, ExpandSqlTemplate(piece, biz_date));
    pieces.push_back(std::move(expanded));
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
