#include "store/tag_version.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <numeric>

namespace tagloop {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'V', 'E', 'R', '0', '0', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 64;
constexpr size_t kAlign = 32;  // CRoaring frozen views need 32-byte alignment
constexpr uint32_t kMaxSections = 1u << 24;

template <typename T>
void Put(std::string& out, size_t at, T v) {
  std::memcpy(out.data() + at, &v, sizeof v);
}
template <typename T>
void Append(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T Get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
uint64_t Hash(const char* p, size_t n) { return XXH3_64bits(p, n); }

struct Section {
  const roaring_bitmap_t* bitmap;
  std::string_view name;
};

}  // namespace

TagVersionBuilder::TagVersionBuilder(TagType type, Days date) : type_(type), date_(date) {}

void TagVersionBuilder::AddValue(uint32_t user, std::string_view value) {
  auto it = std::find(values_.begin(), values_.end(), value);
  size_t i = static_cast<size_t>(it - values_.begin());
  if (it == values_.end()) {
    values_.emplace_back(value);
    users_.emplace_back();
  }
  users_[i].push_back(user);
}

void TagVersionBuilder::AddNumber(uint32_t user, int64_t value) {
  num_users_.push_back(user);
  num_values_.push_back(value);
}

TagVersionContent TagVersionBuilder::Finish() {
  TagVersionContent c;
  c.type = type_;
  c.date = date_;
  if (type_.is_numeric()) {
    c.bsi = BuildBsi(num_users_, num_values_);
  } else {
    c.values = std::move(values_);
    for (auto& u : users_) {
      std::sort(u.begin(), u.end());
      c.value_users.push_back(Bitmap::Of(u));
    }
  }
  return c;
}

std::string EncodeTagVersion(TagVersionContent& c) {
  // Section 0 is `exists`; then values (sorted by bytes) or BSI slices.
  std::vector<Section> sections;
  Bitmap exists_union;
  std::vector<size_t> order(c.values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (c.type.is_numeric()) {
    c.bsi.exists.Optimize();
    sections.push_back({c.bsi.exists.get(), {}});
    for (auto& s : c.bsi.slices) {
      s.Optimize();
      sections.push_back({s.get(), {}});
    }
  } else {
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.values[a] < c.values[b]; });
    std::vector<const roaring_bitmap_t*> parts;
    for (auto& b : c.value_users) {
      b.Optimize();
      parts.push_back(b.get());
    }
    exists_union = Bitmap::OrMany(parts);
    exists_union.Optimize();
    sections.push_back({exists_union.get(), {}});
    for (size_t i : order) sections.push_back({c.value_users[i].get(), c.values[i]});
  }

  std::string out(kHeaderSize, '\0');
  struct DirEntry {
    uint64_t offset, length, cardinality, hash;
  };
  std::vector<DirEntry> dir;
  for (const Section& s : sections) {
    out.resize((out.size() + kAlign - 1) / kAlign * kAlign, '\0');
    const size_t len = roaring_bitmap_frozen_size_in_bytes(s.bitmap);
    const size_t at = out.size();
    out.resize(at + len);
    roaring_bitmap_frozen_serialize(s.bitmap, out.data() + at);
    dir.push_back({at, len, roaring_bitmap_get_cardinality(s.bitmap), Hash(out.data() + at, len)});
  }
  out.resize((out.size() + 7) / 8 * 8, '\0');
  const size_t dir_offset = out.size();
  for (size_t i = 0; i < sections.size(); ++i) {
    Append(out, dir[i].offset);
    Append(out, dir[i].length);
    Append(out, dir[i].cardinality);
    Append(out, dir[i].hash);
    Append(out, static_cast<uint32_t>(sections[i].name.size()));
    out.append(sections[i].name);
    out.resize((out.size() + 7) / 8 * 8, '\0');
  }
  const size_t dir_size = out.size() - dir_offset;
  Append(out, Hash(out.data() + dir_offset, dir_size));

  std::memcpy(out.data(), kMagic, 8);
  Put(out, 8, kFormatVersion);
  Put(out, 12, static_cast<uint8_t>(c.type.kind));
  Put(out, 13, c.type.scale);
  Put(out, 16, static_cast<int32_t>(c.date));
  Put(out, 20, static_cast<uint32_t>(sections.size()));
  Put(out, 24, c.type.is_numeric() ? c.bsi.base : int64_t{0});
  Put(out, 32, dir[0].cardinality);
  Put(out, 40, static_cast<uint64_t>(dir_offset));
  Put(out, 48, static_cast<uint64_t>(dir_size));
  Put(out, 56, Hash(out.data(), 56));
  return out;
}

TagVersion::~TagVersion() {
  for (const roaring_bitmap_t* r : sections_) roaring_bitmap_free(r);
}

Result<std::shared_ptr<const TagVersion>> TagVersion::Open(Env* env, const std::string& path,
                                                           bool verify) {
  auto file = env->MapFile(path);
  if (!file.ok()) return file.status();
  const char* base = (*file)->data();
  size_t size = (*file)->size();
  auto v = Parse(std::move(*file), {}, base, size, verify);
  if (!v.ok()) return Status::Corruption(fmt::format("{}: {}", path, v.status().message()));
  return v;
}

Result<std::shared_ptr<const TagVersion>> TagVersion::FromBytes(std::string_view bytes) {
  // Over-allocate so that the copy can start on a 32-byte boundary.
  std::string owned(bytes.size() + kAlign, '\0');
  size_t shift = (kAlign - reinterpret_cast<uintptr_t>(owned.data()) % kAlign) % kAlign;
  std::memcpy(owned.data() + shift, bytes.data(), bytes.size());
  const char* base = owned.data() + shift;
  return Parse(nullptr, std::move(owned), base, bytes.size(), true);
}

Result<std::shared_ptr<const TagVersion>> TagVersion::Parse(std::unique_ptr<MappedFile> file,
                                                            std::string owned, const char* p,
                                                            size_t size, bool verify) {
  if (size < kHeaderSize || std::memcmp(p, kMagic, 8) != 0) {
    return Status::Corruption("not a tag version file (bad magic or too short)");
  }
  if (Get<uint64_t>(p + 56) != Hash(p, 56)) return Status::Corruption("header checksum mismatch");
  if (Get<uint32_t>(p + 8) != kFormatVersion) {
    return Status::Corruption(fmt::format("unsupported format version {}", Get<uint32_t>(p + 8)));
  }
  auto v = std::shared_ptr<TagVersion>(new TagVersion());
  const uint8_t kind = Get<uint8_t>(p + 12);
  v->type_ = TagType{static_cast<TagKind>(kind), Get<uint8_t>(p + 13)};
  if (kind > static_cast<uint8_t>(TagKind::kDate) || v->type_.scale > 6) {
    return Status::Corruption("bad tag type in header");
  }
  v->date_ = Get<int32_t>(p + 16);
  const uint32_t nsections = Get<uint32_t>(p + 20);
  v->bsi_base_ = Get<int64_t>(p + 24);
  const uint64_t dir_offset = Get<uint64_t>(p + 40), dir_size = Get<uint64_t>(p + 48);
  if (nsections == 0 || nsections > kMaxSections || dir_offset > size || dir_size > size - dir_offset ||
      size - dir_offset - dir_size < 8) {
    return Status::Corruption("bad directory bounds");
  }
  const char* d = p + dir_offset;
  if (Get<uint64_t>(d + dir_size) != Hash(d, dir_size)) return Status::Corruption("directory checksum mismatch");
  if (v->type_.is_numeric() && nsections > 65) return Status::Corruption("too many BSI slices");

  size_t at = 0;
  for (uint32_t i = 0; i < nsections; ++i) {
    if (dir_size - at < 36) return Status::Corruption(fmt::format("directory entry {} truncated", i));
    const uint64_t off = Get<uint64_t>(d + at), len = Get<uint64_t>(d + at + 8);
    const uint64_t card = Get<uint64_t>(d + at + 16), hash = Get<uint64_t>(d + at + 24);
    const uint32_t name_len = Get<uint32_t>(d + at + 32);
    at += 36;
    if (name_len > dir_size - at) return Status::Corruption(fmt::format("section {} name out of bounds", i));
    std::string_view name(d + at, name_len);
    at = (at + name_len + 7) / 8 * 8;
    if (off % kAlign != 0 || off > dir_offset || len > dir_offset - off) {
      return Status::Corruption(fmt::format("section {} out of bounds", i));
    }
    if (verify && Hash(p + off, len) != hash) {
      return Status::Corruption(fmt::format("section {} checksum mismatch", i));
    }
    const roaring_bitmap_t* r = roaring_bitmap_frozen_view(p + off, len);
    if (!r) return Status::Corruption(fmt::format("section {} is not a valid bitmap", i));
    v->sections_.push_back(r);
    v->cardinalities_.push_back(card);
    if (i > 0 && !v->type_.is_numeric()) {
      if (!v->values_.empty() && !(v->values_.back() < name)) {
        return Status::Corruption("values not sorted");
      }
      v->values_.push_back(name);
    }
  }
  v->size_ = size;
  v->file_ = std::move(file);
  v->owned_ = std::move(owned);
  return std::shared_ptr<const TagVersion>(std::move(v));
}

std::optional<size_t> TagVersion::FindValue(std::string_view value) const {
  auto it = std::lower_bound(values_.begin(), values_.end(), value);
  if (it == values_.end() || *it != value) return std::nullopt;
  return static_cast<size_t>(it - values_.begin());
}

BsiView TagVersion::bsi() const {
  BsiView b;
  b.base = bsi_base_;
  b.exists = sections_[0];
  b.slices = std::span<const roaring_bitmap_t* const>(sections_.data() + 1, sections_.size() - 1);
  return b;
}

std::vector<std::string> TagVersion::ValuesOf(uint32_t user) const {
  std::vector<std::string> out;
  if (!roaring_bitmap_contains(exists(), user)) return out;
  if (type_.is_numeric()) {
    int64_t v;
    if (BsiValueOf(bsi(), user, &v)) out.push_back(FormatNumericValue(type_, v));
    return out;
  }
  for (size_t i = 0; i < values_.size(); ++i) {
    if (roaring_bitmap_contains(value_users(i), user)) out.emplace_back(values_[i]);
  }
  return out;
}

}  // namespace tagloop
