// RFC 4180 CSV over bytes held in memory (a mapped file or a buffer).
//
// Grammar: rows end with LF or CRLF (the last row's line break is optional);
// fields are separated by ','; a field is either unquoted (no '"', CR or LF in
// it) or quoted: '"' … '"', where '""' stands for one quote and ',', CR and LF
// are plain text. A UTF-8 byte order mark at the very start is skipped. Every
// byte must be valid UTF-8. Anything else is an error; nothing is guessed.
//
// Reading is bounded and safe on arbitrary bytes: no recursion, memory grows
// at most linearly with the input, every error is a Status (never a crash).
//
// Locations: LINE is the 1-based physical line (counting LF bytes, also those
// inside quoted fields), COLUMN the 1-based byte offset in that line (the BOM
// is not counted). Errors read "NAME:LINE:COLUMN: message".
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

// The most fields a row may have (a header wider than this is an error).
inline constexpr size_t kMaxCsvFields = 1 << 16;

// A run of whole rows: [begin, end) of the text, begin at the start of a line.
struct CsvChunk {
  size_t begin = 0;
  size_t end = 0;
  uint64_t first_line = 1;  // physical line of `begin`
};

struct TextPosition {
  uint64_t line = 1;
  uint64_t column = 1;
};

// The text of one CSV and its name for messages. Borrows `bytes`: they must
// outlive this object and every view read from it. Thread-safe (immutable).
class CsvText {
 public:
  CsvText(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  std::string_view bytes() const { return bytes_; }
  // Where the header starts (after a BOM, if any).
  size_t body_begin() const { return body_begin_; }
  // Everything after the BOM, as one chunk starting on line 1.
  CsvChunk Whole() const { return CsvChunk{body_begin_, bytes_.size(), 1}; }

  // The position of byte `offset` (in [chunk.begin, chunk.end]); costs
  // O(offset - chunk.begin), meant for error messages.
  TextPosition Locate(const CsvChunk& chunk, size_t offset) const;
  // InvalidArgument "NAME:LINE:COLUMN: message" for byte `offset` of `chunk`.
  Status ErrorAt(const CsvChunk& chunk, size_t offset, std::string_view message) const;

 private:
  std::string name_;
  std::string_view bytes_;
  size_t body_begin_ = 0;
};

// Number of LF bytes in [begin, end) of `bytes`.
uint64_t CountLineFeeds(std::string_view bytes, size_t begin, size_t end);

// Splits the rows in [begin, end of text) — `begin` at the start of a row on
// line `first_line` — into chunks of whole rows of about `target_bytes` each
// (at least one chunk, possibly empty), for parsing in parallel. Row ends are
// found by quote parity: exact for valid CSV; after the first malformed quote
// the later chunks may be cut inside a row, but the chunk holding that quote
// starts at a true row and its parse fails there, so the first error in file
// order is still found. Counts bytes on `threads` threads. Thread-safe.
std::vector<CsvChunk> SplitRows(const CsvText& text, size_t begin, uint64_t first_line, size_t target_bytes,
                                unsigned threads);

// One field of a row.
struct CsvField {
  std::string_view value;  // unescaped text
  size_t offset = 0;       // first byte of the field in the text (its opening quote if quoted)
  bool stable = true;      // value points into the text; false: into the reader's scratch
};

// Reads the rows of one chunk, one at a time. Not thread-safe; one reader per
// thread.
class CsvRowReader {
 public:
  // expected_fields: every row must have exactly this many fields (0: any
  // number up to kMaxCsvFields).
  CsvRowReader(const CsvText& text, const CsvChunk& chunk, size_t expected_fields);

  // Reads the next row. False at the end of the chunk, or on an error (then
  // status() says what and where, and every later call returns false too).
  // A row is checked for UTF-8 as a whole before it is returned; a syntax
  // error is reported before an invalid byte that follows it.
  bool Next();
  // The fields of the row last read. Views with stable == false stay valid
  // only until the next call of Next().
  const std::vector<CsvField>& fields() const { return fields_; }
  // Where the row last read starts, and the first byte after it.
  size_t row_begin() const { return row_begin_; }
  size_t position() const { return pos_; }
  const Status& status() const { return status_; }
  const CsvChunk& chunk() const { return chunk_; }

 private:
  bool Fail(size_t offset, std::string_view message);
  bool FailUtf8(size_t offset);
  std::string* NextScratch();

  const CsvText& text_;
  CsvChunk chunk_;
  size_t expected_fields_;
  size_t pos_;
  size_t row_begin_ = 0;
  std::vector<CsvField> fields_;
  std::deque<std::string> scratch_;  // unescaped quoted fields; deque: no moves
  size_t scratch_used_ = 0;
  Status status_;
};

}  // namespace tagloop
