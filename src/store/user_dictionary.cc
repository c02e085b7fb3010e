#include "store/user_dictionary.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cstring>

namespace tagloop {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'I', 'D', 'S', '0', '0', '1'};
constexpr size_t kHeaderSize = 40;

template <typename T>
T Get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void AppendRaw(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

Status ValidateExternalId(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("empty user id");
  if (id.size() > 128) {
    return Status::InvalidArgument(fmt::format("user id of {} bytes (at most 128)", id.size()));
  }
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument(fmt::format("user id '{}' has a control character", id));
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<UserDictionary>> UserDictionary::Open(Env* env,
                                                             const std::vector<std::string>& paths) {
  auto d = std::make_unique<UserDictionary>();
  for (const std::string& path : paths) {
    auto mapped = env->MapFile(path);
    if (!mapped.ok()) return mapped.status();
    std::shared_ptr<MappedFile> file = std::move(*mapped);
    const char* p = file->data();
    const size_t size = file->size();
    auto bad = [&](const char* why) { return Status::Corruption(fmt::format("{}: {}", path, why)); };
    if (size < kHeaderSize + 16 || std::memcmp(p, kMagic, 8) != 0) return bad("not a user id segment");
    if (Get<uint64_t>(p + 32) != XXH3_64bits(p, 32)) return bad("header checksum mismatch");
    Segment s;
    s.file = file;
    s.first = Get<uint32_t>(p + 12);
    s.count = Get<uint32_t>(p + 16);
    const uint64_t blob_size = Get<uint64_t>(p + 24);
    const uint64_t body = (uint64_t{s.count} + 1) * 8 + blob_size;
    if (s.first != d->committed_size_) return bad("segment does not continue the previous one");
    if (size != kHeaderSize + body + 8) return bad("bad size");
    if (Get<uint64_t>(p + kHeaderSize + body) != XXH3_64bits(p + kHeaderSize, body)) {
      return bad("checksum mismatch");
    }
    s.offsets = reinterpret_cast<const uint64_t*>(p + kHeaderSize);
    s.blob = p + kHeaderSize + (uint64_t{s.count} + 1) * 8;
    for (uint32_t i = 0; i < s.count; ++i) {
      if (s.offsets[i] > s.offsets[i + 1] || s.offsets[i + 1] > blob_size) return bad("bad offsets");
    }
    if (uint64_t{d->committed_size_} + s.count > UINT32_MAX) return bad("too many users");
    d->committed_size_ += s.count;
    d->segments_.push_back(std::move(s));
  }
  return d;
}

std::unique_ptr<UserDictionary> UserDictionary::Fork() const {
  auto d = std::make_unique<UserDictionary>();
  d->segments_ = segments_;
  d->committed_size_ = committed_size_;
  return d;
}

std::string_view UserDictionary::ExternalId(uint32_t user) const {
  if (user >= committed_size_) {
    const uint32_t i = user - committed_size_;
    return std::string_view(pending_blob_).substr(pending_offsets_[i], pending_offsets_[i + 1] - pending_offsets_[i]);
  }
  // Segments are few (one per import that added users): binary search by first id.
  size_t lo = 0, hi = segments_.size();
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (segments_[mid].first <= user) lo = mid; else hi = mid;
  }
  const Segment& s = segments_[lo];
  const uint32_t i = user - s.first;
  return std::string_view(s.blob + s.offsets[i], s.offsets[i + 1] - s.offsets[i]);
}

void UserDictionary::EnsureIndex() const {
  std::call_once(index_once_, [this] {
    uint64_t cap = 1024;
    while (cap < uint64_t{size()} * 2) cap *= 2;
    slots_.assign(cap, 0);
    mask_ = cap - 1;
    for (uint32_t u = 0; u < size(); ++u) IndexInsert(u);
  });
}

void UserDictionary::IndexInsert(uint32_t user) const {
  std::string_view id = ExternalId(user);
  for (uint64_t h = XXH3_64bits(id.data(), id.size()) & mask_;; h = (h + 1) & mask_) {
    if (slots_[h] == 0) {
      slots_[h] = user + 1;
      return;
    }
  }
}

void UserDictionary::Grow() const {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (uint32_t u = 0; u < size(); ++u) IndexInsert(u);
}

std::optional<uint32_t> UserDictionary::Find(std::string_view id) const {
  EnsureIndex();
  // Later dense ids of the same external id (Append) sit later in the probe
  // chain: keep the last match.
  std::optional<uint32_t> found;
  for (uint64_t h = XXH3_64bits(id.data(), id.size()) & mask_;; h = (h + 1) & mask_) {
    const uint32_t s = slots_[h];
    if (s == 0) return found;
    if (ExternalId(s - 1) == id) found = s - 1;
  }
}

uint32_t UserDictionary::Intern(std::string_view id) {
  if (auto found = Find(id)) return *found;
  return Append(id);
}

uint32_t UserDictionary::Append(std::string_view id) {
  EnsureIndex();
  const uint32_t user = size();
  pending_blob_.append(id);
  pending_offsets_.push_back(pending_blob_.size());
  if (uint64_t{size()} * 2 > slots_.size()) {
    Grow();  // re-inserts every user, the new one included
  } else {
    IndexInsert(user);
  }
  return user;
}

std::string UserDictionary::EncodePendingSegment() const {
  const uint32_t count = pending_count();
  std::string out(kHeaderSize, '\0');
  std::memcpy(out.data(), kMagic, 8);
  uint32_t fields[4] = {1, committed_size_, count, 0};
  std::memcpy(out.data() + 8, fields, sizeof fields);
  uint64_t blob_size = pending_blob_.size();
  std::memcpy(out.data() + 24, &blob_size, 8);
  uint64_t h = XXH3_64bits(out.data(), 32);
  std::memcpy(out.data() + 32, &h, 8);
  out.append(reinterpret_cast<const char*>(pending_offsets_.data()), pending_offsets_.size() * 8);
  out.append(pending_blob_);
  AppendRaw(out, XXH3_64bits(out.data() + kHeaderSize, out.size() - kHeaderSize));
  return out;
}

}  // namespace tagloop
