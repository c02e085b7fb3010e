#include "server/api/api_json.h"

#include <fmt/format.h>

namespace tagloop {

namespace {

const char* TypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

Status WrongType(std::string_view key, const char* want, const nlohmann::json& got) {
  return Status::InvalidArgument(fmt::format("field '{}' must be {}, not {}", key, want, TypeName(got)));
}

// Walks a body nlohmann refused with out_of_range (a number beyond the
// double range, "1e400", which it throws as another type than parse_error)
// to say where the number is: its byte offset and field path ("limit",
// "definition.dimensions[0].edges[1]").
class NumberLocator final : public nlohmann::json_sax<nlohmann::json> {
 public:
  size_t position = 0;
  std::string field;  // empty: not inside an object
  std::string token;  // the number as written

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    Value();
    frames_.push_back({false, "", 0});
    return true;
  }
  bool key(string_t& k) override {
    frames_.back().key = k;
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    Value();
    frames_.push_back({true, "", 0});
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool parse_error(std::size_t at, const std::string& last_token, const nlohmann::detail::exception&) override {
    // `at` counts the bytes read, up to the end of the number: it starts
    // the token's length before.
    token = last_token;
    position = at >= token.size() ? at - token.size() : 0;
    // The failing value is the next one in the innermost frame.
    for (size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.is_array) {
        field += fmt::format("[{}]", i + 1 == frames_.size() ? f.next : f.next - 1);
      } else {
        field += (field.empty() ? "" : ".") + f.key;
      }
    }
    return false;
  }

 private:
  struct Frame {
    bool is_array;
    std::string key;
    size_t next;  // arrays: index of the next element
  };
  bool Value() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().next;
    return true;
  }
  std::vector<Frame> frames_;
};

}  // namespace

Result<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("the request body must be a JSON object");
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based; report a 0-based offset like the segment errors.
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    return Status::InvalidArgument(fmt::format("the request body is not valid JSON (at byte {})", at), at)
        .With(ErrorReason::kBadJson, {{"detail", std::string(e.what())}});
  } catch (const nlohmann::json::exception&) {
    // out_of_range 406: a number beyond the double range (a client's 400,
    // not a server fault).
    NumberLocator where;
    nlohmann::json::sax_parse(body.begin(), body.end(), &where);
    return Status::InvalidArgument(
        fmt::format("the request body holds a number outside the double range{} at byte {}: {}",
                    where.field.empty() ? "" : fmt::format(" in field '{}'", where.field), where.position,
                    where.token.substr(0, 40)),
        where.position)
        .With(ErrorReason::kNumberOutOfRange, where.field.empty() ? Status::ReasonArgs{}
                                                                 : Status::ReasonArgs{{"field", where.field}});
  }
  if (!j.is_object())
    return Status::InvalidArgument(
        fmt::format("the request body must be a JSON object, not {}", TypeName(j)));
  return j;
}

Result<JsonBody> JsonBody::Parse(std::string_view body, std::initializer_list<std::string_view> allowed) {
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json j, ParseJsonObject(body));
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) {
      std::string expected;
      for (std::string_view a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
      return Status::InvalidArgument(fmt::format("unknown field '{}' (expected: {})", key, expected));
    }
  }
  return JsonBody(std::move(j));
}

const nlohmann::json* JsonBody::Find(std::string_view key) const {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonBody::Has(std::string_view key) const { return Find(key) != nullptr; }

Result<std::string> JsonBody::String(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v) return Status::InvalidArgument(fmt::format("missing field '{}'", key));
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return v->get<std::string>();
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<uint64_t>> JsonBody::OptionalUint(std::string_view key, uint64_t max) const {
  const nlohmann::json* v = Find(key);
  if (!v) return std::optional<uint64_t>();
  if (v->is_number_unsigned() || (v->is_number_integer() && v->get<int64_t>() >= 0)) {
    uint64_t n = v->get<uint64_t>();
    if (n > max) return Status::InvalidArgument(fmt::format("field '{}' must be at most {}", key, max));
    return std::optional<uint64_t>(n);
  }
  return WrongType(key, "a non-negative integer", *v);
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view key) const {
  const nlohmann::json* v = Find(key);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return WrongType(key, "a boolean", *v);
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<Days>> JsonBody::OptionalDate(std::string_view key) const {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(key));
  if (!text) return std::optional<Days>();
  auto d = ParseDate(*text);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("field '{}': {}", key, d.status().message()));
  return std::optional<Days>(*d);
}

std::string DumpJson(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  s.push_back('\n');
  return s;
}

HttpResponse JsonResponse(const Json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

}  // namespace tagloop

namespace tagloop {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default: break;
    }
    if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
      continue;
    }
    size_t n = Utf8Length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  out.push_back('"');
}

}  // namespace tagloop
