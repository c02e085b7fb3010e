#include "catalog/definition_files.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace tagloop {

namespace {

using json = nlohmann::json;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxNodes = 100000;
constexpr const char* kStrTag = "tag:yaml.org,2002:str";

std::string At(const std::string& file, const YAML::Mark& mark) {
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

// ------------------------------------------------------------------ scalars

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!AllOf(s.substr(std::min(i, s.size())), IsDigit)) return false;
    return true;
  }
  return i == s.size();
}

// The value of an unquoted scalar under the YAML 1.2 core schema; a string
// when it is none of null, bool, int, float. Sets *non_finite for .inf/.nan
// (JSON has no such numbers).
json ResolvePlain(const std::string& s, bool* non_finite) {
  *non_finite = false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view v = s;
  std::string_view unsigned_part = v.substr(v[0] == '-' || v[0] == '+' ? 1 : 0);
  if (AllOf(unsigned_part, IsDigit)) {
    int64_t i = 0;
    const char* begin = v.data() + (v[0] == '+' ? 1 : 0);
    if (auto [p, ec] = std::from_chars(begin, v.data() + v.size(), i); ec == std::errc() && p == v.data() + v.size()) {
      return i;
    }
    uint64_t u = 0;
    if (auto [p, ec] = std::from_chars(begin, v.data() + v.size(), u); ec == std::errc() && p == v.data() + v.size()) {
      return u;
    }
    return std::strtod(s.c_str(), nullptr);  // too long for 64 bits: a float, as JSON would read it
  }
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'x')) {
    const bool octal = v[1] == 'o';
    if (AllOf(v.substr(2), octal ? IsOctal : IsHex)) {
      uint64_t u = 0;
      auto [p, ec] = std::from_chars(v.data() + 2, v.data() + v.size(), u, octal ? 8 : 16);
      if (ec == std::errc() && p == v.data() + v.size()) return u;
    }
  }
  if (IsCoreFloat(v)) return std::strtod(s.c_str(), nullptr);
  std::string_view inf = unsigned_part;
  if (inf == ".inf" || inf == ".Inf" || inf == ".INF" || v == ".nan" || v == ".NaN" || v == ".NAN") {
    *non_finite = true;
    return nullptr;
  }
  return s;
}

// ---------------------------------------------------------- YAML -> JSON

class Converter {
 public:
  explicit Converter(const std::string& file) : file_(file) {}

  // Converts `node` into *out; InvalidArgument "FILE:LINE:COL: what".
  Status Convert(const YAML::Node& node, int depth, json* out) {
    if (depth > kMaxDepth) return Error(node, fmt::format("nested more than {} levels deep", kMaxDepth));
    if (++nodes_ > kMaxNodes) return Error(node, fmt::format("more than {} YAML nodes", kMaxNodes));
    switch (node.Type()) {
      case YAML::NodeType::Null:
        *out = nullptr;
        return Status::Ok();
      case YAML::NodeType::Scalar:
        return Scalar(node, out);
      case YAML::NodeType::Sequence: {
        *out = json::array();
        for (const YAML::Node& item : node) {
          json value;
          TAGLOOP_RETURN_IF_ERROR(Convert(item, depth + 1, &value));
          out->push_back(std::move(value));
        }
        return Status::Ok();
      }
      case YAML::NodeType::Map: {
        *out = json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
          if (!it->first.IsScalar()) return Error(it->first, "a key must be text");
          const std::string& key = it->first.Scalar();
          if (out->contains(key)) return Error(it->first, fmt::format("duplicate key '{}'", key));
          json value;
          TAGLOOP_RETURN_IF_ERROR(Convert(it->second, depth + 1, &value));
          (*out)[key] = std::move(value);
        }
        return Status::Ok();
      }
      case YAML::NodeType::Undefined:
        break;
    }
    return Error(node, "undefined YAML node");
  }

  Status Error(const YAML::Node& node, std::string_view what) const {
    return Status::InvalidArgument(fmt::format("{}: {}", At(file_, node.Mark()), what));
  }

 private:
  Status Scalar(const YAML::Node& node, json* out) const {
    const std::string& tag = node.Tag();
    if (tag == "!" || tag == kStrTag) {  // quoted or block scalar, or !!str
      *out = node.Scalar();
      return Status::Ok();
    }
    if (tag != "?") return Error(node, fmt::format("YAML tag '{}' is not supported (quote the value)", tag));
    bool non_finite = false;
    *out = ResolvePlain(node.Scalar(), &non_finite);
    if (non_finite) return Error(node, fmt::format("'{}' is not a finite number", node.Scalar()));
    return Status::Ok();
  }

  const std::string& file_;
  size_t nodes_ = 0;
};

// Where `field` ("producer.kind") is in the definition `def`: the key of the
// deepest part of the path that exists, else the start of the definition.
YAML::Mark Locate(const YAML::Node& def, std::string_view field, YAML::Mark fallback) {
  if (field.empty() || !def.IsMap()) return fallback;
  size_t dot = field.find('.');
  std::string_view part = field.substr(0, dot);
  for (auto it = def.begin(); it != def.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == part) {
      return dot == std::string_view::npos ? it->first.Mark() : Locate(it->second, field.substr(dot + 1), it->first.Mark());
    }
  }
  return fallback;
}

// One definition (a mapping) into `out`, or its error into `errors`.
void ParseOne(const YAML::Node& node, const std::string& file, std::vector<DefinitionInFile>* out,
              std::vector<std::string>* errors) {
  Converter converter(file);
  if (!node.IsMap()) {
    errors->push_back(converter.Error(node, "a tag definition is a mapping of fields (name: ..., type: ...)").message());
    return;
  }
  json j;
  if (Status st = converter.Convert(node, 0, &j); !st.ok()) {
    errors->push_back(st.message());
    return;
  }
  if (j.contains("category_id")) {
    errors->push_back(fmt::format("{}: category_id: not allowed in a file; give the category's path as 'category'",
                                  At(file, Locate(node, "category_id", node.Mark()))));
    return;
  }
  DefinitionError problem;
  Result<TagDefinition> def = TagDefinitionFromJson(j, &problem);
  if (!def.ok()) {
    std::string where = At(file, Locate(node, problem.field, node.Mark()));
    errors->push_back(problem.field.empty() ? fmt::format("{}: {}", where, problem.what)
                                            : fmt::format("{}: {}: {}", where, problem.field, problem.what));
    return;
  }
  out->push_back(DefinitionInFile{std::move(*def), file, node.Mark().line + 1, node.Mark().column + 1});
}

Status JoinErrors(const std::vector<std::string>& errors) {
  std::string message;
  for (const std::string& e : errors) message += (message.empty() ? "" : "\n") + e;
  return Status::InvalidArgument(std::move(message));
}

bool HasYamlExtension(std::string_view name) {
  return name.ends_with(".yaml") || name.ends_with(".yml");
}

// ---------------------------------------------------------- JSON -> YAML

// The YAML writer. Strings are plain when that reads back as the same
// string, a literal block when multi-line, else double-quoted (JSON's
// escapes are valid YAML). `quote_all` is the fallback when the nicer form
// did not read back identically.
class YamlWriter {
 public:
  explicit YamlWriter(bool quote_all) : quote_all_(quote_all) {}

  std::string& text() { return out_; }

  void Entry(std::string_view key, const json& value, int indent) {
    out_.append(static_cast<size_t>(indent), ' ');
    out_ += Key(key);
    out_ += ':';
    if (value.is_object() && !value.empty()) {
      out_ += '\n';
      Map(value, indent + 2);
    } else if (value.is_array() && !value.empty()) {
      out_ += '\n';
      Sequence(value, indent + 2);
    } else {
      out_ += ' ';
      Scalar(value, indent + 2);
    }
  }

  void Map(const json& object, int indent) {
    for (const auto& [key, value] : object.items()) Entry(key, value, indent);
  }

 private:
  void Sequence(const json& array, int indent) {
    for (const json& item : array) {
      if (item.is_object() && !item.empty()) {
        // "- first: ..." with the other keys under the first.
        YamlWriter inner(quote_all_);
        inner.Map(item, indent + 2);
        out_.append(static_cast<size_t>(indent), ' ');
        out_ += "- ";
        out_ += inner.text().substr(static_cast<size_t>(indent) + 2);
      } else if (item.is_array() && !item.empty()) {
        out_.append(static_cast<size_t>(indent), ' ');
        out_ += "-\n";
        Sequence(item, indent + 2);
      } else {
        out_.append(static_cast<size_t>(indent), ' ');
        out_ += "- ";
        Scalar(item, indent + 2);
      }
    }
  }

  // Writes a scalar (or {} / []) and its newline; block content at `indent`.
  void Scalar(const json& value, int indent) {
    if (value.is_string()) {
      const std::string& s = value.get_ref<const std::string&>();
      if (!quote_all_ && LiteralSafe(s)) {
        Literal(s, indent);
        return;
      }
      out_ += !quote_all_ && PlainSafe(s) ? s : Quoted(s);
    } else if (value.is_object()) {
      out_ += "{}";
    } else if (value.is_array()) {
      out_ += "[]";
    } else {
      out_ += value.dump();  // null, true/false, numbers: read back as the same
    }
    out_ += '\n';
  }

  std::string Key(std::string_view key) const {
    return !quote_all_ && PlainSafe(key) ? std::string(key) : Quoted(key);
  }

  static std::string Quoted(std::string_view s) {
    return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  }

  // Conservative: text that a YAML reader takes as the same plain string.
  static bool PlainSafe(std::string_view s) {
    if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) return false;
    if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
    for (char c : s) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    }
    bool non_finite = false;
    return ResolvePlain(std::string(s), &non_finite).is_string() && !non_finite;
  }

  // Multi-line text whose lines a literal block keeps exactly.
  static bool LiteralSafe(std::string_view s) {
    if (s.find('\n') == std::string_view::npos) return false;
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n') return false;  // would need an indentation indicator
    for (char c : s) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    }
    return true;
  }

  // |- (no final newline), | (one), |+ (more); then the lines at `indent`.
  void Literal(std::string_view s, int indent) {
    size_t body_end = s.find_last_not_of('\n') + 1;
    size_t trailing = s.size() - body_end;
    out_ += trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
    std::string_view body = s.substr(0, body_end);
    for (size_t start = 0; start <= body.size();) {
      size_t nl = body.find('\n', start);
      std::string_view line = body.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      if (!line.empty()) out_.append(static_cast<size_t>(indent), ' ').append(line);
      out_ += '\n';
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    for (size_t i = 1; i < trailing; ++i) out_ += '\n';
  }

  bool quote_all_;
  std::string out_;
};

std::string RenderDefinition(const TagDefinition& def, bool quote_all) {
  YamlWriter w(quote_all);
  w.Entry("name", def.name, 0);
  w.Entry("type", def.type.ToString(), 0);
  json title = json::object();
  if (!def.title_zh.empty()) title["zh"] = def.title_zh;
  if (!def.title_en.empty()) title["en"] = def.title_en;
  if (!title.empty()) {
    w.text() += "title:\n";
    if (!def.title_zh.empty()) w.Entry("zh", def.title_zh, 2);  // zh first, as operators read it
    if (!def.title_en.empty()) w.Entry("en", def.title_en, 2);
  }
  if (!def.description.empty()) w.Entry("description", def.description, 0);
  if (!def.owner.empty()) w.Entry("owner", def.owner, 0);
  if (!def.category_path.empty()) w.Entry("category", def.category_path, 0);
  w.text() += "producer:\n";
  w.Entry("kind", ProducerKindName(def.producer), 2);
  if (def.producer_config.is_object()) w.Map(def.producer_config, 2);
  if (!def.schedule.empty()) w.Entry("schedule", def.schedule, 0);
  if (def.biz_date == BizDateRule::kToday) w.Entry("biz_date", "today", 0);
  if (!def.quality.empty()) w.Entry("quality", def.quality, 0);
  json retention = json::object();
  if (def.retention.keep_days != 0) retention["keep_days"] = def.retention.keep_days;
  if (def.retention.keep_versions != 0) retention["keep_versions"] = def.retention.keep_versions;
  if (!retention.empty()) w.Entry("retention", retention, 0);
  if (def.personal) w.Entry("personal", json(true), 0);
  return std::move(w.text());
}

bool ReadsBackAs(const std::string& text, const TagDefinition& def) {
  Result<std::vector<DefinitionInFile>> back = ParseDefinitionsYaml(text, "(export)");
  if (!back.ok() || back->size() != 1) return false;
  TagDefinition expected = def;
  expected.category_id = 0;  // files carry the path, not the id
  const TagDefinition& got = (*back)[0].definition;
  return got.SameAs(expected) && got.category_path == def.category_path;
}

}  // namespace

std::string DefinitionInFile::Where() const { return fmt::format("{}:{}:{}", file, line, column); }

Result<std::vector<DefinitionInFile>> ParseDefinitionsYaml(std::string_view text, const std::string& file) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {  // yaml-cpp reports errors by exception; none leaves this module
    return Status::InvalidArgument(fmt::format("{}: YAML: {}", At(file, e.mark), e.msg));
  }
  std::vector<DefinitionInFile> out;
  std::vector<std::string> errors;
  try {
    for (const YAML::Node& doc : documents) {
      if (doc.IsNull()) continue;
      if (!doc.IsMap() || !doc["tags"].IsDefined()) {
        ParseOne(doc, file, &out, &errors);
        continue;
      }
      const YAML::Node tags = doc["tags"];
      if (doc.size() != 1) {
        errors.push_back(fmt::format("{}: a document with a 'tags:' list holds nothing else", At(file, doc.Mark())));
        continue;
      }
      if (tags.IsNull()) continue;
      if (!tags.IsSequence()) {
        errors.push_back(fmt::format("{}: tags: must be a list of tag definitions", At(file, tags.Mark())));
        continue;
      }
      for (const YAML::Node& item : tags) ParseOne(item, file, &out, &errors);
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: YAML: {}", At(file, e.mark), e.msg));
  }
  if (!errors.empty()) return JoinErrors(errors);
  return out;
}

Result<std::vector<DefinitionInFile>> ReadDefinitionFile(const std::string& path, Env* env) {
  if (!env->FileExists(path)) return Status::NotFound(fmt::format("no file '{}'", path));
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t size, env->FileSize(path));
  if (size > kMaxDefinitionFileBytes) {
    return Status::InvalidArgument(
        fmt::format("{}: {} bytes; a definition file holds at most {}", path, size, kMaxDefinitionFileBytes));
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::string text, env->ReadFile(path));
  return ParseDefinitionsYaml(text, path);
}

Result<std::vector<std::string>> ListDefinitionFiles(const std::vector<std::string>& paths, Env* env) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add = [&](std::string f) {
    if (seen.insert(f).second) files.push_back(std::move(f));
  };
  for (const std::string& path : paths) {
    if (!env->FileExists(path)) return Status::NotFound(fmt::format("no file or folder '{}'", path));
    Result<std::vector<std::string>> names = env->ListDir(path);
    if (!names.ok()) {  // not a folder: a file
      add(path);
      continue;
    }
    std::vector<std::string> yaml;
    for (std::string& name : *names) {
      if (!name.starts_with(".") && HasYamlExtension(name)) yaml.push_back(std::move(name));
    }
    if (yaml.empty()) {
      return Status::InvalidArgument(fmt::format("folder '{}' holds no *.yaml or *.yml files", path));
    }
    std::sort(yaml.begin(), yaml.end());
    const std::string prefix = path.ends_with("/") ? path : path + "/";
    for (const std::string& name : yaml) add(prefix + name);
  }
  return files;
}

Result<std::vector<DefinitionInFile>> ReadDefinitionFiles(const std::vector<std::string>& paths, Env* env) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> files, ListDefinitionFiles(paths, env));
  std::vector<DefinitionInFile> all;
  std::vector<std::string> errors;
  for (const std::string& file : files) {
    Result<std::vector<DefinitionInFile>> defs = ReadDefinitionFile(file, env);
    if (!defs.ok()) {
      if (defs.status().code() != Status::Code::kInvalidArgument) return defs.status();  // I/O: stop
      errors.push_back(defs.status().message());
      continue;
    }
    for (DefinitionInFile& d : *defs) all.push_back(std::move(d));
  }
  std::map<std::string, const DefinitionInFile*, std::less<>> first;
  for (const DefinitionInFile& d : all) {
    auto [it, inserted] = first.emplace(d.definition.name, &d);
    if (!inserted) {
      errors.push_back(fmt::format("{}: tag '{}' is already defined at {}", d.Where(), d.definition.name,
                                   it->second->Where()));
    }
  }
  if (!errors.empty()) return JoinErrors(errors);
  return all;
}

std::string DefinitionToYaml(const TagDefinition& definition) {
  std::string text = RenderDefinition(definition, /*quote_all=*/false);
  if (ReadsBackAs(text, definition)) return text;
  return RenderDefinition(definition, /*quote_all=*/true);  // every string double-quoted: always exact
}

}  // namespace tagloop
