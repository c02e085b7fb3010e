// How tag values appear in JSON (profiles, distributions), by tag type:
//   bool     true / false
//   enum     "text"
//   set      ["a", "b"] (sorted)
//   int      a JSON number (int64)
//   decimal  a string with exactly `scale` digits after the point: "12.50"
//            (exact; a JSON number would go through binary floating point)
//   date     "YYYY-MM-DD"
#pragma once


#include <string>
#include <string_view>
#include <vector>

#include "core/tag_type.h"
#include "server/api/api_json.h"

namespace tagloop {

// One value given as the store's text form (TagVersion::ValuesOf,
// FormatNumericValue): "true", "-3", "12.50", "2026-10-01", "上海".
Json ScalarValueJson(const TagType& type, std::string_view text);

// A user's value(s) of one tag, appended as JSON (an array for set tags).
void AppendTagValueJson(std::string& out, const TagType& type, const std::vector<std::string>& values);

// A numeric tag's stored int64 as JSON (int: number, decimal: string, date: string).
Json NumericValueJson(const TagType& type, int64_t value);

// A sum of stored values: int as a number (a string beyond int64), decimal
// as an exact string with `scale` digits after the point.
Json SumJson(const TagType& type, __int128 sum);

}  // namespace tagloop
