// RowBatcher: what every driver uses to hand a query's rows to a RowSink
// (source/source.h) in bounded batches, copying them out of the driver's
// own buffers so those can be reused between fetches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "source/source.h"

namespace tagloop {

// Checks the column count, copies rows and hands them to a RowSink in batches
// of at most `batch_rows` rows (or ~16 MiB of bytes, whichever comes first),
// so a source's own buffers can be reused between fetches. Not thread-safe.
class RowBatcher {
 public:
  // `source_name` prefixes error messages.
  RowBatcher(RowSink& sink, int batch_rows, std::string source_name);

  // Checks 1 <= columns <= 2 (InvalidArgument otherwise) and calls
  // sink.Begin(columns).
  Status Start(int columns);
  // Adds one row (copied). A null `user_id` is InvalidArgument naming the
  // row; `value` is ignored for a 1-column query. Hands a full batch to the
  // sink and returns its error.
  Status Add(std::optional<std::string_view> user_id, std::optional<std::string_view> value);
  // Hands the rows still held to the sink.
  Status Finish();
  // Rows added so far.
  int64_t rows() const { return rows_added_; }

 private:
  struct Entry {
    size_t offset;
    uint32_t id_size, value_size;
    bool value_null;
  };
  Status Flush();

  RowSink& sink_;
  size_t batch_rows_;
  std::string source_name_;
  int columns_ = 0;
  int64_t rows_added_ = 0;
  std::string bytes_;
  std::vector<Entry> entries_;
  std::vector<SourceRow> rows_;
};

}  // namespace tagloop
