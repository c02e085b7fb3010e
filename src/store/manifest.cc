#include "store/manifest.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <nlohmann/json.hpp>

namespace tagloop {

namespace {

constexpr int kFormat = 1;

std::string Checksum(const nlohmann::json& body) {
  const std::string dumped = body.dump();
  return fmt::format("{:016x}", XXH3_64bits(dumped.data(), dumped.size()));
}

}  // namespace

std::string EncodeManifest(const Manifest& m) {
  nlohmann::json j;
  j["format"] = kFormat;
  j["generation"] = m.generation;
  j["user_count"] = m.user_count;
  j["id_segments"] = m.id_segments;
  j["deleted"] = m.deleted_file;
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [name, tag] : m.tags) {
    nlohmann::json versions = nlohmann::json::array();
    for (const VersionInfo& v : tag.versions) {
      versions.push_back({{"date", FormatDate(v.date)},
                          {"file", v.file},
                          {"users", v.users},
                          {"bytes", v.bytes},
                          {"created", v.created_unix}});
    }
    tags[name] = {{"type", tag.type.ToString()}, {"versions", std::move(versions)}};
  }
  j["tags"] = std::move(tags);
  j["checksum"] = Checksum(j);
  return j.dump(1) + "\n";
}

Result<Manifest> DecodeManifest(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("MANIFEST is not valid JSON");
  try {
    std::string sum = j.at("checksum").get<std::string>();
    j.erase("checksum");
    if (sum != Checksum(j)) return Status::Corruption("MANIFEST checksum mismatch");
    if (j.at("format").get<int>() != kFormat) {
      return Status::Corruption(fmt::format("unsupported MANIFEST format {}", j.at("format").dump()));
    }
    Manifest m;
    m.generation = j.at("generation").get<uint64_t>();
    m.user_count = j.at("user_count").get<uint32_t>();
    m.id_segments = j.at("id_segments").get<std::vector<std::string>>();
    m.deleted_file = j.at("deleted").get<std::string>();
    for (const auto& [name, t] : j.at("tags").items()) {
      TagInfo tag;
      tag.name = name;
      auto type = TagType::Parse(t.at("type").get<std::string>());
      if (!type.ok()) return Status::Corruption(fmt::format("MANIFEST tag '{}': {}", name, type.status().message()));
      tag.type = *type;
      for (const auto& v : t.at("versions")) {
        VersionInfo info;
        auto date = ParseDate(v.at("date").get<std::string>());
        if (!date.ok()) return Status::Corruption(fmt::format("MANIFEST tag '{}': {}", name, date.status().message()));
        info.date = *date;
        info.file = v.at("file").get<std::string>();
        info.users = v.at("users").get<uint64_t>();
        info.bytes = v.at("bytes").get<uint64_t>();
        info.created_unix = v.at("created").get<int64_t>();
        if (!tag.versions.empty() && tag.versions.back().date >= info.date) {
          return Status::Corruption(fmt::format("MANIFEST tag '{}': versions out of order", name));
        }
        tag.versions.push_back(std::move(info));
      }
      m.tags.emplace(name, std::move(tag));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(fmt::format("MANIFEST has a missing or bad field: {}", e.what()));
  }
}

}  // namespace tagloop
