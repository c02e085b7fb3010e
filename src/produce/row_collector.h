// RowCollector: turns the rows a producer reads — (user id, value) text
// pairs from a SQL source, a list file or an API push — into the content of
// one tag version.
//
// Rows are gathered first (AddRow / the RowSink interface, no store lock
// held: a warehouse query may take minutes), then Finish() resolves the user
// ids through a StoreWriter (new users get new dense ids) and builds the
// bitmaps or the bit-sliced index.
//
// Values are parsed by the tag's type as soon as they arrive, so a bad value
// fails the run at once, naming the row: "row 1234 (user 'u9'): ...".
// - bool: a one-column query means every returned user is true; with two
//   columns the value is true/false/t/f/1/0.
// - enum/int/decimal/date: one value per user; a second row for the same
//   user is an error naming both rows' values (a query bug, not to be
//   resolved silently).
// - set: one row per (user, value); repeated pairs count once.
// - decimal: trailing zeros beyond the scale are accepted ("12.500" for
//   decimal:2), other extra digits are an error; date: "YYYY-MM-DD", or a
//   timestamp starting with it.
// A NULL value means "no value": the row is skipped (counted in null_rows).
//
// Not thread-safe: one producer fills one collector.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "source/source.h"
#include "store/tag_store.h"

namespace tagloop {

class RowCollector final : public RowSink {
 public:
  explicit RowCollector(TagType type) : type_(type) {}

  // RowSink: a source announces its columns, then streams batches.
  Status Begin(int columns) override;
  Status Rows(std::span<const SourceRow> rows) override;

  // One row. `value` is ignored for one-column bool rows.
  Status AddRow(std::string_view user_id, std::string_view value, bool value_null);

  uint64_t rows() const { return rows_; }            // rows received
  uint64_t null_rows() const { return null_rows_; }  // rows skipped for a NULL value

  // Resolves the ids through `writer` (on `threads` threads) and builds the
  // version for `date`. InvalidArgument for an invalid user id or a user with
  // two values. Releases the gathered rows.
  Result<TagVersionContent> Finish(StoreWriter& writer, Days date, unsigned threads);

 private:
  Status Fail(std::string_view user_id, std::string_view what) const;
  Result<uint32_t> ValueCode(std::string_view value);

  TagType type_;
  int columns_ = 2;
  uint64_t rows_ = 0;
  uint64_t null_rows_ = 0;
  // User ids, concatenated; id i is ids_[id_offsets_[i], id_offsets_[i+1]).
  std::string ids_;
  std::vector<uint64_t> id_offsets_{0};
  std::vector<uint64_t> row_numbers_;  // the source row of each kept entry (1-based)
  // Categorical: the code of each entry's value; numeric: the value itself.
  std::vector<int64_t> values_;
  std::vector<std::string> value_names_;  // categorical: code -> value
  std::unordered_map<std::string, uint32_t> value_codes_;
};

}  // namespace tagloop
