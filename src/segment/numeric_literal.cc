#include "segment/numeric_literal.h"

#include <fmt/format.h>

namespace tagloop::segment {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// -?[0-9]+\.[0-9]+, the lexer's number with a fraction; `point` is where the '.' is.
bool IsFractionNumber(std::string_view t, size_t point) {
  const size_t first = !t.empty() && t[0] == '-' ? 1 : 0;
  if (point == std::string_view::npos || point <= first || point + 1 >= t.size()) return false;
  for (size_t i = first; i < t.size(); ++i) {
    if (i != point && !IsDigit(t[i])) return false;
  }
  return true;
}

}  // namespace

Result<ScaledLiteral> ScaleNumericLiteral(const TagType& type, std::string_view text) {
  Result<int64_t> stored = ParseNumericValue(type, text);
  if (stored.ok()) return ScaledLiteral{*stored, true};
  if (type.kind != TagKind::kInt && type.kind != TagKind::kDecimal) return stored.status();
  const size_t point = text.find('.');
  if (!IsFractionNumber(text, point)) return stored.status();
  // The digits the tag keeps, and the ones beyond its scale.
  const size_t kept_end = point + 1 + type.scale;
  if (kept_end >= text.size()) return stored.status();  // not a precision problem
  const std::string_view kept = text.substr(0, type.scale == 0 ? point : kept_end);
  const std::string_view dropped = text.substr(kept_end);
  // `kept` is the literal truncated toward zero, well formed: only its range can fail.
  Result<int64_t> truncated = ParseNumericValue(type, kept);
  if (!truncated.ok()) {
    return Status::InvalidArgument(type.kind == TagKind::kInt
                                       ? fmt::format("int '{}' is out of the 64-bit range", text)
                                       : fmt::format("decimal '{}' is out of range", text));
  }
  ScaledLiteral out{*truncated, dropped.find_first_not_of('0') == std::string_view::npos};
  // Truncation moved a negative literal up: its floor is one step lower.
  if (!out.exact && text[0] == '-') out.floor -= 1;
  return out;
}

}  // namespace tagloop::segment
