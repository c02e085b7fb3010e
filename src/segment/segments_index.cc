#include "segment/segments_index.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tagloop {

namespace {

constexpr int kDynamicOnlyFormat = 1;
constexpr int kFormat = 2;

Result<uint64_t> ParseChecksum(const std::string& hex) {
  if (hex.size() != 16) return Status::InvalidArgument("a checksum is 16 hex digits");
  uint64_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return Status::InvalidArgument("a checksum is 16 lowercase hex digits");
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

bool IsMemberFilePath(std::string_view file) {
  constexpr std::string_view kDir = "segments/", kExt = ".roar";
  if (!file.starts_with(kDir) || !file.ends_with(kExt) || file.size() <= kDir.size() + kExt.size()) {
    return false;
  }
  if (file.find("..") != std::string_view::npos) return false;
  for (char c : file.substr(kDir.size())) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string EncodeSegmentsIndex(const SavedSegments::Map& segments) {
  bool any_frozen = false;
  for (const auto& [_, s] : segments) any_frozen = any_frozen || s.frozen();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, s] : segments) {
    nlohmann::json j = {{"name", s.name}};
    if (any_frozen) j["kind"] = SegmentKindName(s.kind);
    j["expr"] = s.expr;
    // Only when set: a file without descriptions stays byte for byte what
    // older versions wrote (they ignore the key when it is there).
    if (!s.description.empty()) j["description"] = s.description;
    if (s.kind == SegmentKind::kSql) {
      j["source"] = s.source_name;
      j["query"] = s.query;
    }
    j["created_unix"] = s.created_unix;
    j["updated_unix"] = s.updated_unix;
    if (s.frozen()) {
      nlohmann::json versions = nlohmann::json::array();
      for (const SegmentVersion& v : s.versions) {
        versions.push_back({{"version", v.number},
                            {"created_unix", v.created_unix},
                            {"created_by", v.created_by},
                            {"date", FormatDate(v.date)},
                            {"members", v.members},
                            {"source", v.source},
                            {"file", v.file},
                            {"checksum", fmt::format("{:016x}", v.checksum)}});
      }
      j["versions"] = std::move(versions);
    }
    list.push_back(std::move(j));
  }
  nlohmann::json j = {{"format", any_frozen ? kFormat : kDynamicOnlyFormat}, {"segments", std::move(list)}};
  // Names, expressions and descriptions are checked to be UTF-8 where they
  // come from requests; `replace` only guarantees dump() cannot throw.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<SavedSegments::Map> DecodeSegmentsIndex(std::string_view text, std::string_view path) {
  SavedSegments::Map out;
  auto bad = [&](std::string why) { return Status::Corruption(fmt::format("{}: {}", path, why)); };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not valid JSON");
  try {
    const int format = j.at("format").get<int>();
    if (format != kDynamicOnlyFormat && format != kFormat) {
      return bad(fmt::format("unsupported format {}", j.at("format").dump()));
    }
    for (const auto& s : j.at("segments")) {
      SavedSegment seg;
      seg.name = s.at("name").get<std::string>();
      if (!SavedSegments::ValidateName(seg.name).ok()) {
        return bad(fmt::format("invalid segment name '{}'", seg.name));
      }
      auto in = [&](std::string why) { return bad(fmt::format("segment '{}': {}", seg.name, why)); };
      if (s.contains("kind")) {
        Result<SegmentKind> kind = ParseSegmentKind(s.at("kind").get<std::string>());
        if (!kind.ok()) return in(kind.status().message());
        seg.kind = *kind;
      }
      seg.expr = s.value("expr", std::string());
      // Absent (files written before descriptions existed): "".
      seg.description = s.value("description", std::string());
      if (Status st = SavedSegments::ValidateDescription(seg.description); !st.ok()) return in(st.message());
      seg.created_unix = s.value("created_unix", int64_t{0});
      seg.updated_unix = s.value("updated_unix", int64_t{0});
      if (seg.kind == SegmentKind::kSql) {
        seg.source_name = s.at("source").get<std::string>();
        seg.query = s.at("query").get<std::string>();
      }
      if ((seg.kind == SegmentKind::kDynamic || seg.kind == SegmentKind::kSnapshot) && !s.contains("expr")) {
        return in("no expression");
      }
      if (seg.frozen()) {
        for (const auto& v : s.at("versions")) {
          SegmentVersion version;
          version.number = v.at("version").get<int>();
          const int expected = seg.versions.empty() ? 1 : seg.versions.back().number + 1;
          if (version.number != expected) {
            return in(fmt::format("version {} where {} was expected", version.number, expected));
          }
          version.created_unix = v.at("created_unix").get<int64_t>();
          version.created_by = v.at("created_by").get<std::string>();
          Result<Days> date = ParseDate(v.at("date").get<std::string>());
          if (!date.ok()) return in(fmt::format("version {}: {}", version.number, date.status().message()));
          version.date = *date;
          version.members = v.at("members").get<uint64_t>();
          version.source = v.at("source").get<std::string>();
          version.file = v.at("file").get<std::string>();
          if (!IsMemberFilePath(version.file)) {
            return in(fmt::format("version {}: bad member file '{}'", version.number, version.file));
          }
          Result<uint64_t> sum = ParseChecksum(v.at("checksum").get<std::string>());
          if (!sum.ok()) return in(fmt::format("version {}: {}", version.number, sum.status().message()));
          version.checksum = *sum;
          seg.versions.push_back(std::move(version));
        }
        if (seg.versions.empty()) return in("a frozen segment without versions");
      }
      std::string name = seg.name;
      if (!out.emplace(std::move(name), std::move(seg)).second) {
        return bad(fmt::format("segment '{}' appears twice", s.at("name").get<std::string>()));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  return out;
}

}  // namespace tagloop
