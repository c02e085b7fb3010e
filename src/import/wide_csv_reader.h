// Reading a wide CSV (SPEC "Wide CSV import"): the header names an id column
// and tag columns; every row is one user with one cell per tag. This stage
// checks the header against the import's options and parses rows into typed,
// per-column values, in parallel chunks; it knows nothing of the store.
//
// Cells: empty (quoted or not) = NULL. bool: true/false/1/0 in any case;
// enum: the text as is; set: values separated by '|' (an empty value, as in
// "a||b", "|a" or "a|", is an error: it is almost always a broken export);
// int/decimal:N/date: ParseNumericValue. Ids: ValidateExternalId.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/tag_type.h"
#include "import/column_types.h"
#include "import/csv_reader.h"
#include "import/string_arena.h"
#include "import/value_dictionary.h"

namespace tagloop {

// One tag column of the file.
struct WideColumn {
  std::string name;
  TagType type;
  size_t field = 0;          // index of the column in a row
  size_t header_offset = 0;  // where its name is in the text (for messages)
};

// The header bound to the options: where the id is, which columns are tags.
struct WideSchema {
  std::string id_column;
  size_t id_field = 0;
  size_t id_header_offset = 0;
  size_t field_count = 0;
  std::vector<WideColumn> tags;  // header order, without the id column
  CsvChunk header;               // the header row (line 1, after a BOM)
  size_t data_begin = 0;         // first byte after the header row
  uint64_t data_first_line = 2;  // physical line of data_begin
};

// Reads the header and binds it: the id column must be present; every other
// column name must be a valid tag name, unique; `types` may only name tag
// columns (others are enum). InvalidArgument "NAME:LINE:COLUMN: …" otherwise.
Result<WideSchema> ReadWideHeader(const CsvText& text, std::string_view id_column,
                                  std::span<const ColumnType> types);

// The values of one tag column in one chunk: (row, value) pairs in row order,
// NULL cells left out; a set cell gives one pair per value.
struct ColumnValues {
  std::vector<uint32_t> rows;    // chunk-local row index of each value
  std::vector<uint32_t> codes;   // categorical: code in `dictionary`
  std::vector<int64_t> numbers;  // numeric: ParseNumericValue
  ValueDictionary dictionary;    // categorical (bool: 0 = "false", 1 = "true")
};

// The parsed rows of one chunk. Views (ids, dictionary values) point into the
// text or into this object's arenas, so they stay valid when it is moved.
struct ParsedChunk {
  CsvChunk chunk;
  uint32_t rows = 0;
  std::vector<std::string_view> ids;  // per row
  std::vector<size_t> id_offsets;     // per row: where the id cell starts (messages)
  std::vector<ColumnValues> columns;  // parallel to WideSchema::tags
  StringArena arena;                  // ids that had to be unescaped
};

// Parses every row of `chunk` (rows must have schema.field_count fields).
// On error, `out` holds the rows before it and the first error is returned.
Status ParseWideChunk(const CsvText& text, const WideSchema& schema, const CsvChunk& chunk, ParsedChunk* out);

// Counters a caller may watch while ParseWideChunks runs.
struct ParseCounters {
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> bytes{0};
};

// Parses all chunks on `threads` threads (tick: see ParallelFor). Returns the
// error of the first failing chunk in file order, i.e. the first error of
// the file; chunks after a failed one are skipped.
Result<std::vector<ParsedChunk>> ParseWideChunks(const CsvText& text, const WideSchema& schema,
                                                 std::span<const CsvChunk> chunks, unsigned threads,
                                                 ParseCounters* counters = nullptr,
                                                 const std::function<void()>& tick = {});

}  // namespace tagloop
