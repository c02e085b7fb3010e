#include "store/profile.h"

#include <fmt/format.h>

namespace tagloop {

Result<std::unique_ptr<ProfileReader>> ProfileReader::Open(std::shared_ptr<const Snapshot> snapshot) {
  std::unique_ptr<ProfileReader> r(new ProfileReader(std::move(snapshot)));
  const Snapshot& snap = *r->snapshot_;
  TAGLOOP_ASSIGN_OR_RETURN(r->dictionary_, snap.dictionary());
  (void)r->dictionary_->Find("");  // builds the hash index now, not in the first look-up
  r->tags_.reserve(snap.tags().size());
  for (const auto& [name, tag] : snap.tags()) {
    if (tag.versions.empty()) continue;
    TagSlot slot;
    slot.info = &tag;
    slot.latest_date = tag.versions.back().date;
    TAGLOOP_ASSIGN_OR_RETURN(slot.latest, snap.OpenVersion(tag, tag.versions.back()));
    r->tags_.push_back(std::move(slot));
  }
  return r;
}

Status ProfileReader::Lookup(std::string_view external_id, Days as_of, Profile* out) const {
  std::optional<uint32_t> user = dictionary_->Find(external_id);
  if (!user || !roaring_bitmap_contains(snapshot_->universe(), *user)) {
    return Status::NotFound(fmt::format("unknown user '{}'", external_id));
  }
  out->external_id.assign(external_id);
  out->user = *user;
  // The forward-column reads are random accesses into large files, one per
  // tag: start them all, then read (they overlap instead of stalling in turn).
  for (const TagSlot& slot : tags_) slot.latest->PrefetchValuesOf(*user);
  size_t n = 0;
  std::shared_ptr<const TagVersion> older;  // keeps an older version alive while read
  for (const TagSlot& slot : tags_) {
    const TagVersion* version = slot.latest.get();
    Days date = slot.latest_date;
    if (as_of < slot.latest_date) {
      const VersionInfo* info = slot.info->VersionAsOf(as_of);
      if (!info) continue;
      TAGLOOP_ASSIGN_OR_RETURN(older, snapshot_->OpenVersion(*slot.info, *info));
      version = older.get();
      date = info->date;
    }
    if (n == out->tags.size()) out->tags.emplace_back();
    auto& [name, value] = out->tags[n];
    version->ValuesOf(*user, &value.values);
    if (value.values.empty()) continue;
    name.assign(slot.info->name);
    value.type = slot.info->type;
    value.version = date;
    ++n;
  }
  out->tags.resize(n);
  return Status::Ok();
}

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
    p.tags.emplace_back(name, TagValue{tag.type, info->date, std::move(values)});
  }
  return p;
}

}  // namespace tagloop
