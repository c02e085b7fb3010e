#include "import/wide_csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

#include "core/parallel.h"
#include "store/user_dictionary.h"

namespace tagloop {

namespace {

Status ColumnError(const CsvText& text, const CsvChunk& chunk, size_t offset, std::string_view column,
                   std::string_view message) {
  return text.ErrorAt(chunk, offset, fmt::format("column \"{}\": {}", column, message));
}

// Adds the values of one non-empty cell to its column.
Status ParseCell(const CsvText& text, const CsvChunk& chunk, const WideColumn& column, const CsvField& f,
                 uint32_t row, ColumnValues* out) {
  switch (column.type.kind) {
    case TagKind::kBool: {
      auto v = ParseBoolValue(f.value);
      if (!v.ok()) return ColumnError(text, chunk, f.offset, column.name, v.status().message());
      out->rows.push_back(row);
      out->codes.push_back(*v ? 1 : 0);
      return Status::Ok();
    }
    case TagKind::kEnum:
      out->rows.push_back(row);
      out->codes.push_back(out->dictionary.Intern(f.value, f.stable));
      return Status::Ok();
    case TagKind::kSet: {
      std::string_view rest = f.value;
      for (;;) {
        const size_t bar = rest.find('|');
        const std::string_view part = rest.substr(0, bar);
        if (part.empty()) {
          return ColumnError(text, chunk, f.offset, column.name,
                             fmt::format("empty value in set '{}' (values are separated by '|')", f.value));
        }
        out->rows.push_back(row);
        out->codes.push_back(out->dictionary.Intern(part, f.stable));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
      }
      return Status::Ok();
    }
    case TagKind::kInt:
    case TagKind::kDecimal:
    case TagKind::kDate: {
      auto v = ParseNumericValue(column.type, f.value);
      if (!v.ok()) return ColumnError(text, chunk, f.offset, column.name, v.status().message());
      out->rows.push_back(row);
      out->numbers.push_back(*v);
      return Status::Ok();
    }
  }
  return Status::Internal("unknown tag kind");
}

}  // namespace

Result<WideSchema> ReadWideHeader(const CsvText& text, std::string_view id_column,
                                  std::span<const ColumnType> types) {
  WideSchema schema;
  schema.id_column = std::string(id_column);
  schema.header = text.Whole();
  if (text.body_begin() == text.bytes().size()) {
    return text.ErrorAt(schema.header, text.body_begin(), "empty file (the first line must be the header)");
  }
  CsvRowReader reader(text, schema.header, 0);
  if (!reader.Next()) return reader.status();
  const std::vector<CsvField>& names = reader.fields();
  schema.field_count = names.size();
  schema.data_begin = reader.position();
  schema.data_first_line = 1 + CountLineFeeds(text.bytes(), text.body_begin(), schema.data_begin);
  schema.header.end = schema.data_begin;

  std::map<std::string_view, size_t> seen;  // name -> header offset
  bool have_id = false;
  for (size_t i = 0; i < names.size(); ++i) {
    const CsvField& f = names[i];
    auto [it, inserted] = seen.emplace(f.value, f.offset);
    if (!inserted) {
      const TextPosition first = text.Locate(schema.header, it->second);
      return text.ErrorAt(
          schema.header, f.offset,
          fmt::format("duplicate column name \"{}\" (also at {}:{})", f.value, first.line, first.column));
    }
    if (f.value == id_column) {
      schema.id_field = i;
      schema.id_header_offset = f.offset;
      have_id = true;
      continue;
    }
    if (!IsValidTagName(f.value)) {
      return text.ErrorAt(
          schema.header, f.offset,
          fmt::format("column \"{}\" is not a valid tag name (expected [A-Za-z_][A-Za-z0-9_]*, "
                      "at most 128 bytes)",
                      f.value));
    }
    schema.tags.push_back(WideColumn{std::string(f.value), TagType{TagKind::kEnum}, i, f.offset});
  }
  if (!have_id) {
    return text.ErrorAt(schema.header, text.body_begin(),
                        fmt::format("no column \"{}\" (the --id-column) in the header", id_column));
  }
  for (const ColumnType& t : types) {
    if (t.column == id_column) {
      return text.ErrorAt(schema.header, schema.id_header_offset,
                          fmt::format("--types names the id column \"{}\"; it is not a tag", t.column));
    }
    auto it = std::find_if(schema.tags.begin(), schema.tags.end(),
                           [&](const WideColumn& c) { return c.name == t.column; });
    if (it == schema.tags.end()) {
      return text.ErrorAt(schema.header, text.body_begin(),
                          fmt::format("--types names column \"{}\", which is not in the header", t.column));
    }
    it->type = t.type;
  }
  return schema;
}

Status ParseWideChunk(const CsvText& text, const WideSchema& schema, const CsvChunk& chunk,
                      ParsedChunk* out) {
  out->chunk = chunk;
  out->columns.resize(schema.tags.size());
  for (size_t c = 0; c < schema.tags.size(); ++c) {
    if (schema.tags[c].type.kind == TagKind::kBool) {
      out->columns[c].dictionary.Intern("false", true);
      out->columns[c].dictionary.Intern("true", true);
    }
  }
  CsvRowReader reader(text, chunk, schema.field_count);
  while (reader.Next()) {
    const std::vector<CsvField>& fields = reader.fields();
    if (out->rows == std::numeric_limits<uint32_t>::max()) {
      return text.ErrorAt(chunk, reader.row_begin(), "too many rows");
    }
    const uint32_t row = out->rows;
    const CsvField& id = fields[schema.id_field];
    Status st = ValidateExternalId(id.value);
    if (!st.ok()) return ColumnError(text, chunk, id.offset, schema.id_column, st.message());
    out->ids.push_back(id.stable ? id.value : out->arena.Copy(id.value));
    out->id_offsets.push_back(id.offset);
    for (size_t c = 0; c < schema.tags.size(); ++c) {
      const WideColumn& column = schema.tags[c];
      const CsvField& f = fields[column.field];
      if (f.value.empty()) continue;  // NULL
      TAGLOOP_RETURN_IF_ERROR(ParseCell(text, chunk, column, f, row, &out->columns[c]));
    }
    ++out->rows;
  }
  return reader.status();
}

Result<std::vector<ParsedChunk>> ParseWideChunks(const CsvText& text, const WideSchema& schema,
                                                 std::span<const CsvChunk> chunks, unsigned threads,
                                                 ParseCounters* counters, const std::function<void()>& tick) {
  std::vector<ParsedChunk> parsed(chunks.size());
  std::vector<Status> errors(chunks.size());
  std::atomic<size_t> first_failed{chunks.size()};
  ParallelFor(
      threads, chunks.size(),
      [&](size_t i) {
        if (i > first_failed.load()) return;  // a chunk before it failed already
        errors[i] = ParseWideChunk(text, schema, chunks[i], &parsed[i]);
        if (!errors[i].ok()) {
          size_t f = first_failed.load();
          while (i < f && !first_failed.compare_exchange_weak(f, i)) {
          }
        }
        if (counters) {
          counters->rows += parsed[i].rows;
          counters->bytes += chunks[i].end - chunks[i].begin;
        }
      },
      tick);
  for (Status& st : errors) {
    if (!st.ok()) return std::move(st);
  }
  return parsed;
}

}  // namespace tagloop
