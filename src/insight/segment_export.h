// Exports of a segment with tag columns: every user of a segment (external
// id first) with its values of chosen tags as of a date, written as CSV or
// NDJSON in pieces, so an HTTP answer can stream millions of rows in bounded
// memory (POST /api/v1/segments/export, `tagloop export`).
//
// CSV (RFC 4180): a header row `user_id,tag1,...`, CRLF-free ("\n" line
// ends), a field quoted when it holds a comma, a quote, CR or LF (quotes
// doubled). Values in the SPEC's text form: bool true/false, decimals with
// the tag's scale ("12.50"), dates YYYY-MM-DD, set values joined with '|'
// (sorted); an empty cell for no value.
// NDJSON: one object per user, {"user_id": "...", "tag": value|null, ...}
// in column order: bool true/false, enum and date strings, set an array of
// strings, int a number, decimal a number written with exactly the tag's
// scale (12.50: the text is exact; profiles give decimals as strings).
// A masked column (personal data the caller may not read) holds "***" in
// every row, whether the user has a value or not (so not even the presence
// of a value shows); its version is not read.
//
// Rows come in dense-id order, the segment bitmap read 1024 users at a time;
// each column is read for the whole batch before the next (sequential reads
// of its forward column). Versions without a forward column (live versions
// of real-time tags, TagVersion::FromMemory) are read by probing their
// bitmaps: correct, slower.
//
// Thread-safety: a SegmentExportWriter is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "store/tag_store.h"
#include "store/tag_version.h"

namespace tagloop {

enum class ExportFormat : uint8_t { kCsv, kNdjson };
// "csv" / "ndjson"; the inverse refuses anything else (InvalidArgument).
const char* ExportFormatName(ExportFormat format);
Result<ExportFormat> ParseExportFormat(std::string_view text);

// At most this many tag columns per export.
inline constexpr size_t kMaxExportColumns = 200;

struct ExportColumn {
  std::string tag;
  TagType type;
  // The version in force at the export's date; null when the tag has none
  // on or before it (every cell empty / null).
  std::shared_ptr<const TagVersion> version;
  bool masked = false;  // "***" in every row
};

// The columns for `tags` as of `as_of` (masked = false). InvalidArgument
// "columns: ..." for more than kMaxExportColumns, a tag named twice, an
// unknown tag (naming it), or the name "user_id" (the id column's);
// errors of opening a version.
Result<std::vector<ExportColumn>> ResolveExportColumns(const Snapshot& snapshot, std::span<const std::string> tags,
                                                       Days as_of);

class SegmentExportWriter {
 public:
  // Exports `users` (at most `limit` of them, in dense-id order; 0 = all).
  // `snapshot` keeps the dictionary and the versions mapped.
  SegmentExportWriter(std::shared_ptr<const Snapshot> snapshot, const UserDictionary* dictionary, Bitmap users,
                      std::vector<ExportColumn> columns, ExportFormat format, uint64_t limit);

  // Appends rows (after the CSV header, on the first call) to `out` until it
  // holds at least `min_bytes` bytes or the export ends. Returns whether rows
  // remain.
  bool Next(std::string& out, size_t min_bytes);

  uint64_t rows() const { return total_; }        // rows the export has
  uint64_t written() const { return written_; }   // rows appended so far
  const std::vector<ExportColumn>& columns() const { return columns_; }

 private:
  void WriteHeader(std::string& out);
  // Formats one column's cells of the batch into cells_[c] / ends_[c].
  void ReadColumn(size_t c, std::span<const uint32_t> users);

  std::shared_ptr<const Snapshot> snapshot_;
  const UserDictionary* dictionary_;
  Bitmap users_;
  std::vector<ExportColumn> columns_;
  ExportFormat format_;
  uint64_t total_ = 0;
  uint64_t written_ = 0;
  bool header_done_ = false;
  roaring_uint32_iterator_t it_;
  std::vector<uint32_t> batch_;
  std::vector<std::string> cells_;            // per column: the batch's formatted cells, back to back
  std::vector<std::vector<uint32_t>> ends_;   // per column: end offset of each cell
  std::vector<std::string> values_;           // ValuesOf scratch
  std::vector<std::string> keys_;             // NDJSON: ,"tag": per column
};

// Appends `value` as one CSV field (quoted when needed).
void AppendCsvField(std::string& out, std::string_view value);

}  // namespace tagloop
