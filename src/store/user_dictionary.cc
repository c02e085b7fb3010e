#include "store/user_dictionary.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
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
  d->committed_size_ = size();  // the parent's pending ids included
  d->parent_ = this;
  return d;
}

std::string_view UserDictionary::ExternalId(uint32_t user) const {
  if (user >= committed_size_) {
    const uint32_t i = user - committed_size_;
    return std::string_view(pending_blob_)
        .substr(pending_offsets_[i], pending_offsets_[i + 1] - pending_offsets_[i]);
  }
  if (parent_) return parent_->ExternalId(user);
  // Segments are few (one per import that added users): binary search by first id.
  size_t lo = 0, hi = segments_.size();
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (segments_[mid].first <= user)
      lo = mid;
    else
      hi = mid;
  }
  const Segment& s = segments_[lo];
  const uint32_t i = user - s.first;
  return std::string_view(s.blob + s.offsets[i], s.offsets[i + 1] - s.offsets[i]);
}

uint64_t UserDictionary::CapacityFor(uint64_t users) {
  uint64_t cap = 1024;
  while (cap * 3 < users * 4) cap *= 2;
  return cap;
}

void UserDictionary::EnsureIndex() const {
  std::call_once(index_once_, [this] { RebuildIndex(CapacityFor(size() - index_first())); });
}

void UserDictionary::RebuildIndex(uint64_t capacity) const {
  const uint32_t first = index_first(), n = size() - first;
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  // Hash ahead of the inserts (sequential reads of the id text), then insert
  // with the slot of a later user already on its way into the cache.
  constexpr uint32_t kAhead = 16;
  std::vector<uint64_t> hashes(std::min<uint32_t>(n, 1u << 16));
  for (uint32_t base = 0; base < n; base += static_cast<uint32_t>(hashes.size())) {
    const uint32_t m = std::min<uint32_t>(n - base, static_cast<uint32_t>(hashes.size()));
    for (uint32_t i = 0; i < m; ++i) {
      std::string_view id = ExternalId(first + base + i);
      hashes[i] = XXH3_64bits(id.data(), id.size());
    }
    for (uint32_t i = 0; i < m; ++i) {
      if (i + kAhead < m) __builtin_prefetch(&slots_[hashes[i + kAhead] & mask_], 1);
      IndexInsertHashed(first + base + i, hashes[i]);
    }
  }
}

void UserDictionary::Reserve(uint64_t users) {
  EnsureIndex();
  if (parent_) parent_->EnsureIndex();  // before threads share it
  const uint64_t own = users > index_first() ? users - index_first() : 0;
  if (CapacityFor(own) > slots_.size()) RebuildIndex(CapacityFor(own));
}

void UserDictionary::IndexInsert(uint32_t user) const {
  std::string_view id = ExternalId(user);
  IndexInsertHashed(user, XXH3_64bits(id.data(), id.size()));
}

void UserDictionary::IndexInsertHashed(uint32_t user, uint64_t hash) const {
  const uint64_t entry = (hash & 0xFFFFFFFF00000000ULL) | (uint64_t{user} + 1);
  for (uint64_t h = hash & mask_;; h = (h + 1) & mask_) {
    if (slots_[h] == 0) {
      slots_[h] = entry;
      return;
    }
  }
}

std::optional<uint32_t> UserDictionary::Find(std::string_view id) const {
  uint32_t out;
  FindMany(std::span<const std::string_view>(&id, 1), &out);
  if (out == kNotFound) return std::nullopt;
  return out;
}

void UserDictionary::FindMany(std::span<const std::string_view> ids, uint32_t* out) const {
  FindManyOwn(ids, out);
  if (!parent_) return;
  // New ids (own index) are the newest; the committed ones are the parent's.
  std::vector<std::string_view> missing;
  std::vector<size_t> where;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (out[i] != kNotFound) continue;
    missing.push_back(ids[i]);
    where.push_back(i);
  }
  if (missing.empty()) return;
  std::vector<uint32_t> found(missing.size());
  parent_->FindMany(missing, found.data());
  for (size_t i = 0; i < missing.size(); ++i) out[where[i]] = found[i];
}

void UserDictionary::FindManyOwn(std::span<const std::string_view> ids, uint32_t* out) const {
  EnsureIndex();
  constexpr size_t kBatch = 16;
  uint64_t hashes[kBatch];
  for (size_t base = 0; base < ids.size(); base += kBatch) {
    const size_t m = std::min(kBatch, ids.size() - base);
    for (size_t i = 0; i < m; ++i) {
      hashes[i] = XXH3_64bits(ids[base + i].data(), ids[base + i].size());
      __builtin_prefetch(&slots_[hashes[i] & mask_]);
    }
    for (size_t i = 0; i < m; ++i) {
      const std::string_view id = ids[base + i];
      const uint64_t tag = hashes[i] & 0xFFFFFFFF00000000ULL;
      // Later dense ids of the same external id (Append) sit later in the
      // probe chain: keep the last match.
      uint32_t found = kNotFound;
      for (uint64_t h = hashes[i] & mask_;; h = (h + 1) & mask_) {
        const uint64_t s = slots_[h];
        if (s == 0) break;
        if ((s & 0xFFFFFFFF00000000ULL) != tag) continue;
        const uint32_t user = static_cast<uint32_t>(s) - 1;
        if (ExternalId(user) == id) found = user;
      }
      out[base + i] = found;
    }
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
  if (uint64_t{size() - index_first()} * 4 > slots_.size() * 3) {
    RebuildIndex(slots_.size() * 2);  // re-inserts every user, the new one included
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
