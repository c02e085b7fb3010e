#include "source/row_batcher.h"

#include <fmt/format.h>

#include <algorithm>

#include "source/source.h"

namespace tagloop {

RowBatcher::RowBatcher(RowSink& sink, int batch_rows, std::string source_name)
    : sink_(sink),
      batch_rows_(batch_rows < 1 ? 1 : static_cast<size_t>(batch_rows)),
      source_name_(std::move(source_name)) {}

Status RowBatcher::Start(int columns) {
  if (columns < 1 || columns > 2) {
    return Status::InvalidArgument(SourceMessage(
        source_name_,
        fmt::format("a tag query returns (user_id, value) or user_id alone; this one returns {} column{}",
                    columns, columns == 1 ? "" : "s")));
  }
  columns_ = columns;
  entries_.reserve(std::min<size_t>(batch_rows_, 65536));
  return sink_.Begin(columns);
}

Status RowBatcher::Add(std::optional<std::string_view> user_id, std::optional<std::string_view> value) {
  ++rows_added_;
  if (!user_id) {
    return Status::InvalidArgument(
        SourceMessage(source_name_, fmt::format("row {}: the user id (column 1) is NULL", rows_added_)));
  }
  if (columns_ < 2) value = std::string_view();
  // Sizes are stored in 32 bits; no sensible user id or tag value is 4 GiB.
  if (user_id->size() > UINT32_MAX || (value && value->size() > UINT32_MAX)) {
    return Status::InvalidArgument(
        SourceMessage(source_name_, fmt::format("row {}: a value is too long", rows_added_)));
  }
  Entry e{bytes_.size(), static_cast<uint32_t>(user_id->size()),
          value ? static_cast<uint32_t>(value->size()) : 0, !value.has_value()};
  bytes_.append(*user_id);
  if (value) bytes_.append(*value);
  entries_.push_back(e);
  static constexpr size_t kMaxBatchBytes = 16 << 20;
  if (entries_.size() >= batch_rows_ || bytes_.size() >= kMaxBatchBytes) return Flush();
  return Status::Ok();
}

Status RowBatcher::Flush() {
  if (entries_.empty()) return Status::Ok();
  rows_.clear();
  rows_.reserve(entries_.size());
  const char* base = bytes_.data();
  for (const Entry& e : entries_) {
    rows_.push_back(SourceRow{std::string_view(base + e.offset, e.id_size),
                              std::string_view(base + e.offset + e.id_size, e.value_size), e.value_null});
  }
  Status st = sink_.Rows(std::span<const SourceRow>(rows_));
  entries_.clear();
  bytes_.clear();
  return st;
}

Status RowBatcher::Finish() { return Flush(); }

}  // namespace tagloop
