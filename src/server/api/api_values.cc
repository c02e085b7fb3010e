#include "server/api/api_values.h"

#include <algorithm>

#include "server/api/api_json.h"

namespace tagloop {

Json ScalarValueJson(const TagType& type, std::string_view text) {
  switch (type.kind) {
    case TagKind::kBool: return text == "true";
    case TagKind::kInt: {
      auto v = ParseIntValue(text);
      if (v.ok()) return *v;
      return std::string(text);
    }
    default: return std::string(text);
  }
}

void AppendTagValueJson(std::string& out, const TagType& type, const std::vector<std::string>& values) {
  if (type.kind == TagKind::kSet) {
    out.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out.push_back(',');
      AppendJsonString(out, values[i]);
    }
    out.push_back(']');
    return;
  }
  if (values.empty()) {
    out += "null";
    return;
  }
  const std::string& v = values[0];
  switch (type.kind) {
    case TagKind::kBool: out += v == "true" ? "true" : "false"; return;
    case TagKind::kInt: out += v; return;  // the store's text form of an int64 is a JSON number
    default: AppendJsonString(out, v); return;
  }
}

Json NumericValueJson(const TagType& type, int64_t value) {
  if (type.kind == TagKind::kInt) return value;
  return FormatNumericValue(type, value);
}

namespace {
std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

Json SumJson(const TagType& type, __int128 sum) {
  if (type.kind == TagKind::kInt) {
    if (sum >= INT64_MIN && sum <= INT64_MAX) return static_cast<int64_t>(sum);
    return Int128ToString(sum);
  }
  std::string digits = Int128ToString(sum < 0 ? -sum : sum);
  if (type.scale == 0) return (sum < 0 ? "-" : "") + digits;
  if (digits.size() <= type.scale) digits.insert(0, type.scale + 1 - digits.size(), '0');
  digits.insert(digits.size() - type.scale, ".");
  return (sum < 0 ? "-" : "") + digits;
}

}  // namespace tagloop
