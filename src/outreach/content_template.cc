#include "outreach/content_template.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace tagloop::outreach {
namespace {

bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         static_cast<unsigned char>(c) >= 0x80;  // tag names may be UTF-8
}

std::string Where(const nlohmann::json::json_pointer& p) {
  std::string s = p.to_string();
  return "content" + s;
}

}  // namespace

Result<ContentTemplate> ContentTemplate::Compile(const nlohmann::json& content, const AllowedField& allowed) {
  ContentTemplate t;
  t.content_ = content;
  Status error;
  std::function<void(const nlohmann::json&, const nlohmann::json::json_pointer&)> walk =
      [&](const nlohmann::json& node, const nlohmann::json::json_pointer& at) {
        if (!error.ok()) return;
        if (node.is_object()) {
          for (auto it = node.begin(); it != node.end(); ++it) walk(it.value(), at / it.key());
        } else if (node.is_array()) {
          for (size_t i = 0; i < node.size(); ++i) walk(node[i], at / i);
        } else if (node.is_string()) {
          const std::string& s = node.get_ref<const std::string&>();
          if (s.find("{{") == std::string::npos) return;
          Slot slot{at, {}};
          size_t pos = 0;
          while (pos < s.size()) {
            size_t open = s.find("{{", pos);
            if (open == std::string::npos) {
              slot.parts.push_back(Part{false, s.substr(pos)});
              break;
            }
            if (open > pos) slot.parts.push_back(Part{false, s.substr(pos, open - pos)});
            size_t close = s.find("}}", open + 2);
            if (close == std::string::npos) {
              error = Status::InvalidArgument(fmt::format("{}, byte {}: '{{{{' is not closed", Where(at), open), open);
              return;
            }
            std::string name = s.substr(open + 2, close - open - 2);
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            if (name.empty() || !std::all_of(name.begin(), name.end(), NameChar)) {
              error = Status::InvalidArgument(
                  fmt::format("{}, byte {}: '{}' is not a field name", Where(at), open, s.substr(open, close + 2 - open)),
                  open);
              return;
            }
            if (!allowed(name)) {
              error = Status::InvalidArgument(fmt::format("{}, byte {}: unknown field '{}'", Where(at), open, name), open);
              return;
            }
            if (std::find(t.fields_.begin(), t.fields_.end(), name) == t.fields_.end()) t.fields_.push_back(name);
            slot.parts.push_back(Part{true, std::move(name)});
            pos = close + 2;
          }
          t.slots_.push_back(std::move(slot));
        }
      };
  walk(content, nlohmann::json::json_pointer());
  if (!error.ok()) return error;
  return t;
}

nlohmann::json ContentTemplate::Render(const FieldLookup& lookup) const {
  nlohmann::json out = content_;
  for (const Slot& slot : slots_) {
    std::string value;
    for (const Part& p : slot.parts) value += p.is_field ? lookup(p.text) : p.text;
    out[slot.where] = std::move(value);
  }
  return out;
}

}  // namespace tagloop::outreach
