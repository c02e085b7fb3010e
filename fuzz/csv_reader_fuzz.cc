// Fuzzes the CSV reader and the wide-CSV cell parsing: arbitrary bytes must be
// read or rejected with a located error, never crash; and splitting the rows
// into chunks for parallel parsing must never change the outcome (same rows
// and values, or the same first error).
//
// Input: byte 0 picks the chunk size and the column types; the rest is the CSV.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "import/csv_reader.h"
#include "import/wide_csv_reader.h"

namespace {

using namespace tagloop;

// A summary of a parse: the first error, or the rows and values per column.
std::string Outcome(const Result<std::vector<ParsedChunk>>& parsed, const WideSchema& schema) {
  if (!parsed.ok()) return "error " + parsed.status().message();
  std::string out;
  for (size_t c = 0; c < schema.tags.size(); ++c) {
    out += schema.tags[c].name + ":";
    uint64_t row_base = 0;
    for (const ParsedChunk& p : *parsed) {
      const ColumnValues& col = p.columns[c];
      for (size_t i = 0; i < col.rows.size(); ++i) {
        out += std::to_string(row_base + col.rows[i]) + "=";
        if (schema.tags[c].type.is_numeric()) {
          out += std::to_string(col.numbers[i]);
        } else {
          out += col.dictionary.value(col.codes[i]);
        }
        out += ';';
      }
      row_base += p.rows;
    }
    out += '\n';
  }
  for (const ParsedChunk& p : *parsed) {
    for (std::string_view id : p.ids) out += std::string(id) + ",";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t knobs = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const CsvText text("fuzz.csv", bytes);

  // The first header field is the id column; the other columns get types
  // picked by the knobs, so that every cell parser sees the data.
  std::string id_column;
  std::vector<std::string> names;
  {
    CsvRowReader header(text, text.Whole(), 0);
    if (!header.Next()) return 0;
    id_column = std::string(header.fields()[0].value);
    for (size_t i = 1; i < header.fields().size(); ++i) names.emplace_back(header.fields()[i].value);
  }
  static const char* kTypes[] = {"bool", "enum", "set", "int", "decimal:2", "date", "decimal:0", "set"};
  std::vector<ColumnType> types;
  for (size_t i = 0; i < names.size() && i < 64; ++i) {
    if (!IsValidTagName(names[i])) continue;
    bool seen = names[i] == id_column;
    for (const ColumnType& t : types) seen = seen || t.column == names[i];
    if (seen) continue;
    types.push_back(ColumnType{names[i], *TagType::Parse(kTypes[(i + (knobs >> 4)) % 8])});
  }
  auto schema = ReadWideHeader(text, id_column, types);
  if (!schema.ok()) return 0;

  const size_t chunk_bytes = 1 + (knobs & 15) * 3;
  const auto whole = SplitRows(text, schema->data_begin, schema->data_first_line, size_t{1} << 30, 1);
  const auto split = SplitRows(text, schema->data_begin, schema->data_first_line, chunk_bytes, 1);
  const std::string one = Outcome(ParseWideChunks(text, *schema, whole, 1), *schema);
  const std::string many = Outcome(ParseWideChunks(text, *schema, split, 1), *schema);
  if (one != many) std::abort();  // chunking changed the result
  return 0;
}
