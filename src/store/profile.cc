#include "store/profile.h"

#include <fmt/format.h>

namespace tagloop {

Result<Profile> LookupProfile(const Snapshot& snapshot, std::string_view external_id, Days as_of) {
  auto dict = snapshot.dictionary();
  if (!dict.ok()) return dict.status();
  auto user = (*dict)->Find(external_id);
  if (!user || !roaring_bitmap_contains(snapshot.universe(), *user)) {
    return Status::NotFound(fmt::format("unknown user '{}'", external_id));
  }
  Profile p;
  p.external_id = external_id;
  p.user = *user;
  for (const auto& [name, tag] : snapshot.tags()) {
    const VersionInfo* info = tag.VersionAsOf(as_of);
    if (!info) continue;
    auto version = snapshot.OpenVersion(tag, *info);
    if (!version.ok()) return version.status();
    std::vector<std::string> values = (*version)->ValuesOf(*user);
    if (values.empty()) continue;
    p.tags.emplace(name, TagValue{tag.type, info->date, std::move(values)});
  }
  return p;
}

}  // namespace tagloop
