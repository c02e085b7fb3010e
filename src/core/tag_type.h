// The tag types of the SPEC and the parsing of their text form (CSV cells and
// segment literals share these rules, so both accept exactly the same values).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tagloop {

enum class TagKind : uint8_t { kBool = 0, kEnum = 1, kSet = 2, kInt = 3, kDecimal = 4, kDate = 5 };

struct TagType {
  TagKind kind = TagKind::kEnum;
  uint8_t scale = 0;  // digits after the point, decimal only (0..6)

  // Parses "bool", "enum", "set", "int", "decimal:N" (0 <= N <= 6), "date".
  static Result<TagType> Parse(std::string_view text);
  std::string ToString() const;
  // int/decimal/date: stored as a bit-sliced index over int64 values.
  bool is_numeric() const { return kind >= TagKind::kInt; }
  // bool/enum/set: stored as one bitmap per distinct value.
  bool is_categorical() const { return !is_numeric(); }
  bool operator==(const TagType&) const = default;
};

// Cell/literal parsers. Errors are InvalidArgument with a message that quotes
// the offending text; callers add the location.
Result<bool> ParseBoolValue(std::string_view text);      // true/false/1/0, any case
Result<int64_t> ParseIntValue(std::string_view text);    // optional '-', digits, no overflow
// "12.5", "-0.25", "3" -> value * 10^scale; more than `scale` fraction digits is an error.
Result<int64_t> ParseDecimalValue(std::string_view text, uint8_t scale);
// The int64 a numeric tag stores for a cell: int as is, decimal scaled, date as days.
Result<int64_t> ParseNumericValue(const TagType& type, std::string_view text);
// Inverse of ParseNumericValue, for output ("12.50", "2026-10-01", "-3").
std::string FormatNumericValue(const TagType& type, int64_t value);
// A valid tag name: [A-Za-z_][A-Za-z0-9_]*, at most 128 bytes.
bool IsValidTagName(std::string_view name);

}  // namespace tagloop
