// The --types argument of a wide CSV import: which columns are not `enum`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/tag_type.h"

namespace tagloop {

struct ColumnType {
  std::string column;
  TagType type;
};

// Parses "col:type,col:type,…" (type as in TagType::Parse, so "spend:decimal:2"
// splits at the first ':'). Blanks around names and types are ignored; an
// empty text gives no entries. InvalidArgument for an entry without ':', an
// empty column name, an unknown type, or a column named twice.
Result<std::vector<ColumnType>> ParseColumnTypes(std::string_view text);

}  // namespace tagloop
