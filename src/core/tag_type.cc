#include "core/tag_type.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "core/date.h"

namespace tagloop {

Result<TagType> TagType::Parse(std::string_view t) {
  if (t == "bool") return TagType{TagKind::kBool};
  if (t == "enum") return TagType{TagKind::kEnum};
  if (t == "set") return TagType{TagKind::kSet};
  if (t == "int") return TagType{TagKind::kInt};
  if (t == "date") return TagType{TagKind::kDate};
  if (t.starts_with("decimal:") && t.size() == 9 && t[8] >= '0' && t[8] <= '6') {
    return TagType{TagKind::kDecimal, static_cast<uint8_t>(t[8] - '0')};
  }
  return Status::InvalidArgument(fmt::format(
      "unknown tag type '{}' (expected bool, enum, set, int, decimal:N with N 0-6, or date)", t));
}

std::string TagType::ToString() const {
  switch (kind) {
    case TagKind::kBool: return "bool";
    case TagKind::kEnum: return "enum";
    case TagKind::kSet: return "set";
    case TagKind::kInt: return "int";
    case TagKind::kDecimal: return fmt::format("decimal:{}", scale);
    case TagKind::kDate: return "date";
  }
  return "?";
}

static bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

Result<bool> ParseBoolValue(std::string_view t) {
  if (t == "1" || EqualsIgnoreCase(t, "true")) return true;
  if (t == "0" || EqualsIgnoreCase(t, "false")) return false;
  return Status::InvalidArgument(fmt::format("invalid bool '{}' (expected true, false, 1 or 0)", t));
}

Result<int64_t> ParseIntValue(std::string_view t) {
  int64_t v = 0;
  const char* b = t.data();
  const char* e = b + t.size();
  if (t.empty() || t[0] == '+') return Status::InvalidArgument(fmt::format("invalid int '{}'", t));
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument(fmt::format("int '{}' is out of the 64-bit range", t));
  }
  if (ec != std::errc() || p != e) return Status::InvalidArgument(fmt::format("invalid int '{}'", t));
  return v;
}

Result<int64_t> ParseDecimalValue(std::string_view t, uint8_t scale) {
  auto bad = [&] { return Status::InvalidArgument(fmt::format("invalid decimal '{}'", t)); };
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && t[i] == '-') neg = true, ++i;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t v = 0;
  size_t int_digits = 0, frac_digits = 0;
  auto push = [&](char c) {
    if (v > (kMax - (c - '0')) / 10) return false;
    v = v * 10 + (c - '0');
    return true;
  };
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++int_digits) {
    if (!push(t[i])) return Status::InvalidArgument(fmt::format("decimal '{}' is out of range", t));
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits >= scale) {
        return Status::InvalidArgument(
            fmt::format("decimal '{}' has more than {} digits after the point", t, scale));
      }
      if (!push(t[i])) return Status::InvalidArgument(fmt::format("decimal '{}' is out of range", t));
    }
    if (frac_digits == 0) return bad();
  }
  if (i != t.size() || int_digits == 0) return bad();
  for (; frac_digits < scale; ++frac_digits) {
    if (v > kMax / 10) return Status::InvalidArgument(fmt::format("decimal '{}' is out of range", t));
    v *= 10;
  }
  return neg ? -v : v;
}

Result<int64_t> ParseNumericValue(const TagType& type, std::string_view t) {
  switch (type.kind) {
    case TagKind::kInt: return ParseIntValue(t);
    case TagKind::kDecimal: return ParseDecimalValue(t, type.scale);
    case TagKind::kDate: {
      auto d = ParseDate(t);
      if (!d.ok()) return d.status();
      return static_cast<int64_t>(*d);
    }
    default: return Status::Internal("ParseNumericValue on a non-numeric type");
  }
}

std::string FormatNumericValue(const TagType& type, int64_t v) {
  if (type.kind == TagKind::kDate) return FormatDate(static_cast<Days>(v));
  if (type.kind != TagKind::kDecimal || type.scale == 0) return std::to_string(v);
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  uint64_t pow = 1;
  for (int i = 0; i < type.scale; ++i) pow *= 10;
  return fmt::format("{}{}.{:0{}}", v < 0 ? "-" : "", mag / pow, mag % pow, type.scale);
}

bool IsValidTagName(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(n[0])) return false;
  for (char c : n) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace tagloop
