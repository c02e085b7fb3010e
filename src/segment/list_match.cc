#include "segment/list_match.h"

namespace tagloop {

Result<IdMatcher> IdMatcher::Create(const Snapshot& snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot.dictionary());
  return IdMatcher(snapshot, *dictionary);
}

void IdMatcher::Add(std::span<const std::string_view> ids) {
  found_.resize(ids.size());
  dictionary_->FindMany(ids, found_.data());
  const roaring_bitmap_t* universe = snapshot_->universe();
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t user = found_[i];
    if (user != UserDictionary::kNotFound && roaring_bitmap_contains(universe, user)) {
      out_.members.Add(user);
      continue;
    }
    // A deleted user's id is unknown too: it is nobody now.
    auto [it, inserted] = unknown_.emplace(ids[i]);
    if (inserted && out_.unknown_sample.size() < kUnknownSampleSize) out_.unknown_sample.push_back(*it);
  }
  out_.lines += ids.size();
}

ListMatch IdMatcher::Finish() && {
  // Distinct external ids map to distinct dense ids, so the matched ones
  // are the bitmap's cardinality.
  out_.matched = out_.members.cardinality();
  out_.unknown = unknown_.size();
  out_.distinct = out_.matched + out_.unknown;
  out_.duplicates = out_.lines - out_.distinct;
  return std::move(out_);
}

}  // namespace tagloop
