#include "server/api/request.h"

#include <fmt/format.h>

#include <algorithm>

#include "segment/quote.h"

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
  return BadField(key, fmt::format("must be {}, not {}", want, TypeName(got)));
}

// "field 'as_of': invalid date ..." / "query parameter 'date': ...".
Status DateError(std::string_view kind, std::string_view name, const Status& parse) {
  return Status::InvalidArgument(fmt::format("{} '{}': {}", kind, name, parse.message()))
      .With(ErrorReason::kBadField, {{"field", std::string(name)}, {"detail", parse.message()}});
}

// "query parameter 'limit' must be ...".
Status QueryError(std::string_view name, std::string_view detail) {
  return Status::InvalidArgument(fmt::format("query parameter '{}' {}", name, detail))
      .With(ErrorReason::kBadField, {{"field", std::string(name)}, {"detail", std::string(detail)}});
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

Result<nlohmann::json> ParseJson(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("the request body is empty: it must be JSON");
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
  return j;
}

Result<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("the request body must be a JSON object");
  }
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(body));
  if (!j.is_object())
    return Status::InvalidArgument(
        fmt::format("the request body must be a JSON object, not {}", TypeName(j)));
  return j;
}

Status MissingField(std::string_view field) {
  return Status::InvalidArgument(fmt::format("missing field '{}'", field))
      .With(ErrorReason::kMissingField, {{"field", std::string(field)}});
}

Status BadField(std::string_view field, std::string_view detail) {
  return Status::InvalidArgument(fmt::format("field '{}' {}", field, detail))
      .With(ErrorReason::kBadField, {{"field", std::string(field)}, {"detail", std::string(detail)}});
}

Status CheckFields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string expected;
    for (std::string_view a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
    return Status::InvalidArgument(fmt::format("unknown field '{}' (expected: {})", key, expected))
        .With(ErrorReason::kUnknownField, {{"field", key}, {"expected", expected}});
  }
  return Status::Ok();
}

Result<JsonBody> JsonBody::Parse(std::string_view body, std::initializer_list<std::string_view> allowed) {
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json j, ParseJsonObject(body));
  TAGLOOP_RETURN_IF_ERROR(CheckFields(j, allowed));
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
  if (!v) return MissingField(key);
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return v->get<std::string>();
}

Result<Days> JsonBody::Date(std::string_view key) const {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> d, OptionalDate(key));
  if (!d) return MissingField(key);
  return *d;
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
    if (n > max) return BadField(key, fmt::format("must be at most {}", max));
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
  if (!d.ok()) return DateError("field", key, d.status());
  return std::optional<Days>(*d);
}

Result<std::optional<double>> JsonBody::OptionalNumber(std::string_view key, double lo, double hi) const {
  const nlohmann::json* v = Find(key);
  if (!v) return std::optional<double>();
  if (!v->is_number() || v->get<double>() < lo || v->get<double>() > hi) {
    return BadField(key, fmt::format("must be a number from {} to {}", lo, hi));
  }
  return std::optional<double>(v->get<double>());
}

Result<uint64_t> JsonBody::Count(std::string_view key, uint64_t min, uint64_t max, uint64_t fallback) const {
  const nlohmann::json* v = Find(key);
  if (!v) return fallback;
  if (!v->is_number_unsigned() || v->get<uint64_t>() < min || v->get<uint64_t>() > max) {
    return BadField(key, fmt::format("must be {} to {}", min, max));
  }
  return v->get<uint64_t>();
}

Result<std::vector<std::string>> JsonBody::StringList(std::string_view key, size_t max, bool required) const {
  const nlohmann::json* v = Find(key);
  std::vector<std::string> out;
  if (!v) {
    if (required) return MissingField(key);
    return out;
  }
  if (!v->is_array() || v->size() > max) {
    return BadField(key, fmt::format("must be an array of at most {} strings", max));
  }
  for (const nlohmann::json& item : *v) {
    if (!item.is_string()) return BadField(key, "must hold strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<Days> QueryDate(const ApiCall& call, std::string_view name, Days fallback) {
  auto text = call.Query(name);
  if (!text) return fallback;
  auto d = ParseDate(*text);
  if (!d.ok()) return DateError("query parameter", name, d.status());
  return *d;
}

Result<bool> QueryBool(const ApiCall& call, std::string_view name) {
  std::optional<std::string_view> v = call.Query(name);
  if (!v) return false;
  if (*v == "true" || *v == "1" || v->empty()) return true;
  if (*v == "false" || *v == "0") return false;
  return QueryError(name, "must be true or false");
}

Result<uint64_t> QueryLimit(const ApiCall& call, std::string_view name, uint64_t fallback, uint64_t max) {
  return QueryNumber(call, name, fallback, 1, max);
}

Result<uint64_t> QueryNumber(const ApiCall& call, std::string_view name, uint64_t fallback, uint64_t min,
                             uint64_t max) {
  std::optional<std::string_view> v = call.Query(name);
  if (!v) return fallback;
  uint64_t n = 0;
  bool ok = !v->empty() && v->size() <= 9;
  for (char c : *v) {
    ok = ok && c >= '0' && c <= '9';
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || n < min || n > max) return QueryError(name, fmt::format("must be a number from {} to {}", min, max));
  return n;
}

Result<Audience> ReadAudience(const JsonBody& body) {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> expr, body.OptionalString("expr"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> segment, body.OptionalString("segment"));
  if (expr.has_value() == segment.has_value()) {
    constexpr std::string_view kDetail = "give one of 'expr' or 'segment' (an expression, or a saved segment's name)";
    return Status::InvalidArgument(std::string(kDetail))
        .With(ErrorReason::kBadField, {{"field", "expr"}, {"detail", std::string(kDetail)}});
  }
  Audience out;
  if (expr) {
    out.expr = std::move(*expr);
  } else {
    out.segment = std::move(*segment);
    out.expr = segment::SegmentReference(out.segment);
  }
  return out;
}

}  // namespace tagloop
