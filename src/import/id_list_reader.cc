#include "import/id_list_reader.h"

#include <fmt/format.h>

#include "import/csv_reader.h"
#include "core/utf8.h"
#include "store/user_dictionary.h"

namespace tagloop {

namespace {

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

Result<IdList> ReadLines(std::string_view bytes, const IdListOptions& options) {
  IdList out;
  out.arena = std::make_unique<std::string>();
  size_t pos = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  uint64_t line_no = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);
    std::string_view id = TrimBlanks(line);
    if (id.empty()) {
      ++out.blank_lines;
      continue;
    }
    if (FindInvalidUtf8(id) != std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("{}:{}: the id is not valid UTF-8", options.name, line_no));
    }
    if (Status st = ValidateExternalId(id); !st.ok()) {
      return Status::InvalidArgument(fmt::format("{}:{}: {}", options.name, line_no, st.message()));
    }
    out.ids.push_back(id);
  }
  return out;
}

Result<IdList> ReadCsv(std::string_view bytes, const IdListOptions& options) {
  CsvText text(options.name, bytes);
  CsvChunk whole = text.Whole();
  if (text.body_begin() == bytes.size()) {
    return text.ErrorAt(whole, text.body_begin(), "empty file (the first line must be the header)");
  }
  CsvRowReader header(text, whole, 0);
  if (!header.Next()) return header.status();
  const size_t field_count = header.fields().size();
  size_t id_field = 0;
  if (!options.column.empty()) {
    bool found = false;
    std::string names;
    for (size_t i = 0; i < field_count; ++i) {
      const std::string_view name = header.fields()[i].value;
      if (!found && name == options.column) {
        id_field = i;
        found = true;
      }
      names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", name);
    }
    if (!found) {
      return text.ErrorAt(whole, text.body_begin(),
                          fmt::format("no column \"{}\" in the header (columns: {})", options.column, names));
    }
  }
  CsvChunk data{header.position(), bytes.size(),
                1 + CountLineFeeds(bytes, text.body_begin(), header.position())};

  // Unescaped ids go to the arena; views are made once it stops growing.
  struct Entry {
    bool in_arena;
    size_t offset, size;
  };
  std::vector<Entry> entries;
  IdList out;
  out.arena = std::make_unique<std::string>();
  CsvRowReader reader(text, data, 0);
  while (reader.Next()) {
    const std::vector<CsvField>& fields = reader.fields();
    std::string_view raw = bytes.substr(reader.row_begin(), reader.position() - reader.row_begin());
    if (raw == "\n" || raw == "\r\n" || raw.empty()) {
      ++out.blank_lines;
      continue;
    }
    if (fields.size() != field_count) {
      return text.ErrorAt(data, reader.row_begin(),
                          fmt::format("{} fields where the header has {}", fields.size(), field_count));
    }
    const CsvField& f = fields[id_field];
    std::string_view id = TrimBlanks(f.value);
    if (Status st = ValidateExternalId(id); !st.ok()) return text.ErrorAt(data, f.offset, st.message());
    if (f.stable) {
      entries.push_back({false, static_cast<size_t>(id.data() - bytes.data()), id.size()});
    } else {
      entries.push_back({true, out.arena->size(), id.size()});
      out.arena->append(id);
    }
  }
  if (!reader.status().ok()) return reader.status();
  out.ids.reserve(entries.size());
  for (const Entry& e : entries) {
    out.ids.push_back(e.in_arena ? std::string_view(*out.arena).substr(e.offset, e.size)
                                 : bytes.substr(e.offset, e.size));
  }
  return out;
}

}  // namespace

Result<IdList> ReadIdList(std::string_view bytes, const IdListOptions& options) {
  return options.format == IdListFormat::kCsv ? ReadCsv(bytes, options) : ReadLines(bytes, options);
}

}  // namespace tagloop
