#include "import/column_types.h"

#include <fmt/format.h>

#include "core/text.h"

namespace tagloop {

Result<std::vector<ColumnType>> ParseColumnTypes(std::string_view text) {
  std::vector<ColumnType> out;
  if (Trim(text).empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string_view entry =
        Trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    const size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("--types: entry '{}' is not COLUMN:TYPE", entry));
    }
    ColumnType ct;
    ct.column = std::string(Trim(entry.substr(0, colon)));
    if (ct.column.empty()) {
      return Status::InvalidArgument(fmt::format("--types: entry '{}' has no column name", entry));
    }
    auto type = TagType::Parse(Trim(entry.substr(colon + 1)));
    if (!type.ok()) {
      return Status::InvalidArgument(
          fmt::format("--types: column \"{}\": {}", ct.column, type.status().message()));
    }
    ct.type = *type;
    for (const ColumnType& seen : out) {
      if (seen.column == ct.column) {
        return Status::InvalidArgument(fmt::format("--types: column \"{}\" is given twice", ct.column));
      }
    }
    out.push_back(std::move(ct));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace tagloop
