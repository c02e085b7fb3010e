#include "server/api_values.h"

#include "server/api_json.h"

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

}  // namespace tagloop
