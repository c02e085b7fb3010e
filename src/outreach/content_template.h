// Content templates (docs/outreach.md, "Content"): a channel's content is
// JSON whose strings may hold `{{field}}` (spaces inside the braces
// allowed). Compiled once, when the campaign is saved: an unknown field is
// refused with its name and where it stands. Rendered per recipient from a
// field lookup; the values are placed into JSON strings, so quotes,
// backslashes and control characters come out escaped. Object keys are
// never templated. A compiled template is immutable and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace tagloop::outreach {

class ContentTemplate {
 public:
  using AllowedField = std::function<bool(std::string_view field)>;
  using FieldLookup = std::function<std::string(std::string_view field)>;

  // InvalidArgument, naming the field and its place ("content/title, byte
  // 6"), for a field `allowed` refuses, an unclosed `{{` or an empty or
  // malformed name (letters, digits, `_`, `.` and `-`). The position of
  // the Status is the byte offset within that string.
  static Result<ContentTemplate> Compile(const nlohmann::json& content, const AllowedField& allowed);

  // The content with every `{{field}}` replaced by lookup(field).
  nlohmann::json Render(const FieldLookup& lookup) const;
  // The distinct fields used, in the order the content is walked (object
  // keys sorted, as nlohmann::json keeps them).
  const std::vector<std::string>& fields() const { return fields_; }

 private:
  struct Part {
    bool is_field = false;
    std::string text;  // literal text or the field name
  };
  struct Slot {
    nlohmann::json::json_pointer where;
    std::vector<Part> parts;
  };
  nlohmann::json content_;
  std::vector<Slot> slots_;
  std::vector<std::string> fields_;
};

}  // namespace tagloop::outreach
