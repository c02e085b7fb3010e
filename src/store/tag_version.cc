#include "store/tag_version.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <numeric>

namespace tagloop {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'V', 'E', 'R', '0', '0', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 64;
constexpr size_t kAlign = 32;  // CRoaring frozen views need 32-byte alignment
constexpr uint32_t kMaxSections = 1u << 24;
constexpr uint8_t kFlagForwardColumn = 1;  // the last section is the forward column

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

namespace {

// The forward column: user -> code, bit-packed at `width` bits per user, so a
// profile look-up reads one field per tag instead of probing every bitmap.
// Codes: enum/bool value index + 1 (0 = no value); set: bit i = value i
// (<= 64 values); numeric: bit width-1 = has a value, low bits = value - base.
struct ForwardColumn {
  uint32_t width = 0;
  uint64_t users = 0;  // covers dense ids [0, users)
  std::vector<uint64_t> words;

  void Init(uint32_t w, uint64_t n) {
    width = w;
    users = n;
    words.assign((n * w + 63) / 64 + 1, 0);  // +1: a field may straddle the last word
  }
  void OrBits(uint32_t user, uint64_t bits) {
    const uint64_t pos = uint64_t{user} * width;
    words[pos >> 6] |= bits << (pos & 63);
    if ((pos & 63) + width > 64) words[(pos >> 6) + 1] |= bits >> (64 - (pos & 63));
  }
};

void ForEachUser(const roaring_bitmap_t* r, const std::function<void(uint32_t)>& f) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator(r, &it);
  uint32_t batch[1024];
  for (uint32_t n; (n = roaring_read_uint32_iterator(&it, batch, 1024)) > 0;) {
    for (uint32_t i = 0; i < n; ++i) f(batch[i]);
  }
}

// Builds the forward column from the sections (section 0 = exists); false
// when the tag does not fit one (a set of > 64 values, a 64-bit-wide BSI).
bool BuildForwardColumn(const TagType& type, const std::vector<const roaring_bitmap_t*>& sections,
                        ForwardColumn* col) {
  const roaring_bitmap_t* exists = sections[0];
  const uint64_t users = roaring_bitmap_is_empty(exists) ? 0 : uint64_t{roaring_bitmap_maximum(exists)} + 1;
  const size_t n = sections.size() - 1;
  if (type.is_numeric()) {
    if (n >= 64) return false;
    col->Init(static_cast<uint32_t>(n + 1), users);
    ForEachUser(exists, [&](uint32_t u) { col->OrBits(u, uint64_t{1} << n); });
    for (size_t j = 0; j < n; ++j) {
      ForEachUser(sections[1 + j], [&](uint32_t u) { col->OrBits(u, uint64_t{1} << j); });
    }
  } else if (type.kind == TagKind::kSet) {
    if (n > 64) return false;
    col->Init(static_cast<uint32_t>(std::max<size_t>(n, 1)), users);
    for (size_t i = 0; i < n; ++i) {
      ForEachUser(sections[1 + i], [&](uint32_t u) { col->OrBits(u, uint64_t{1} << i); });
    }
  } else {
    uint32_t w = 1;
    while ((uint64_t{1} << w) <= n) ++w;  // codes 0..n
    col->Init(w, users);
    for (size_t i = 0; i < n; ++i) {
      ForEachUser(sections[1 + i], [&](uint32_t u) { col->OrBits(u, uint64_t{i + 1}); });
    }
  }
  return true;
}

}  // namespace

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
  std::vector<const roaring_bitmap_t*> bitmaps;
  for (const Section& sec : sections) bitmaps.push_back(sec.bitmap);
  ForwardColumn fwd;
  const bool has_forward = BuildForwardColumn(c.type, bitmaps, &fwd);
  if (has_forward) {
    out.resize((out.size() + kAlign - 1) / kAlign * kAlign, '\0');
    const size_t at = out.size();
    Append(out, fwd.users);
    out.append(reinterpret_cast<const char*>(fwd.words.data()), fwd.words.size() * 8);
    dir.push_back({at, out.size() - at, fwd.width, Hash(out.data() + at, out.size() - at)});
    sections.push_back({nullptr, {}});
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
  Put(out, 14, static_cast<uint8_t>(has_forward ? kFlagForwardColumn : 0));
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
  if (owner_) return;  // FromMemory: the owner's bitmaps
  for (const roaring_bitmap_t* r : sections_) roaring_bitmap_free(r);
}

std::shared_ptr<const TagVersion> TagVersion::FromMemory(const MemoryContent& c,
                                                         std::shared_ptr<const void> owner) {
  std::shared_ptr<TagVersion> v(new TagVersion());
  v->owner_ = std::move(owner);
  v->type_ = c.type;
  v->date_ = c.date;
  v->bsi_base_ = c.type.is_numeric() ? c.bsi_base : 0;
  v->sections_.push_back(c.exists);
  if (c.type.is_numeric()) {
    for (const roaring_bitmap_t* s : c.slices) v->sections_.push_back(s);
  } else {
    auto values = c.values;
    std::erase_if(values, [](const auto& p) { return roaring_bitmap_is_empty(p.second); });
    std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [name, users] : values) {
      v->values_.push_back(name);
      v->sections_.push_back(users);
    }
  }
  for (const roaring_bitmap_t* s : v->sections_) v->cardinalities_.push_back(roaring_bitmap_get_cardinality(s));
  return v;
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
  const bool has_forward = (Get<uint8_t>(p + 14) & kFlagForwardColumn) != 0;
  const uint32_t nsections = Get<uint32_t>(p + 20);
  v->bsi_base_ = Get<int64_t>(p + 24);
  const uint64_t dir_offset = Get<uint64_t>(p + 40), dir_size = Get<uint64_t>(p + 48);
  if (nsections < (has_forward ? 2u : 1u) || nsections > kMaxSections || dir_offset > size || dir_size > size - dir_offset ||
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
    if (has_forward && i == nsections - 1) {
      // card holds the field width; the words follow the user count.
      const uint64_t width = card;
      if (len < 8 || (len - 8) % 8 != 0 || width == 0 || width > 64) {
        return Status::Corruption("bad forward column");
      }
      const uint64_t users = Get<uint64_t>(p + off);
      const uint64_t words = (len - 8) / 8;
      if (users > (uint64_t{1} << 32) || (users * width + 63) / 64 + 1 != words) {
        return Status::Corruption("forward column size mismatch");
      }
      v->forward_ = reinterpret_cast<const uint64_t*>(p + off + 8);
      v->forward_users_ = users;
      v->forward_width_ = static_cast<uint32_t>(width);
      break;
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

namespace {
// Calls fn(batch, n) with the users of `users` in increasing order, 1024 at a time.
template <typename Fn>
void ForEachUserBatch(const roaring_bitmap_t* users, Fn&& fn) {
  uint32_t batch[1024];
  roaring_uint32_iterator_t it;
  roaring_init_iterator(users, &it);
  while (uint32_t n = roaring_read_uint32_iterator(&it, batch, 1024)) fn(batch, n);
}
}  // namespace

void TagVersion::NumericOffsets(const roaring_bitmap_t* users, std::vector<uint64_t>* out,
                                std::vector<uint32_t>* users_out) const {
  if (forward_ && users) {
    // One pass over the users' forward-column fields; no intersection built.
    const uint64_t has = uint64_t{1} << (forward_width_ - 1);
    out->reserve(out->size() + roaring_bitmap_get_cardinality(users));
    ForEachUserBatch(users, [&](const uint32_t* batch, uint32_t n) {
      for (uint32_t i = 0; i < n; ++i) {
        const uint64_t code = ForwardCode(batch[i]);
        if (code & has) {
          out->push_back(code & ~has);
          if (users_out) users_out->push_back(batch[i]);
        }
      }
    });
    return;
  }
  Bitmap with_value = users ? Bitmap(roaring_bitmap_and(users, exists())) : Bitmap(roaring_bitmap_copy(exists()));
  const uint64_t n = with_value.cardinality();
  std::vector<uint32_t> ids(n);
  roaring_bitmap_to_uint32_array(with_value.get(), ids.data());
  const size_t first = out->size();
  if (forward_) {
    const uint64_t has = uint64_t{1} << (forward_width_ - 1);
    out->reserve(first + n);
    for (uint32_t u : ids) out->push_back(ForwardCode(u) & ~has);
  } else {
    // Bit i of every user's offset from slice i: both lists are sorted, so
    // one merge walk per slice finds each member's position.
    out->resize(first + n, 0);
    uint64_t* vals = out->data() + first;
    BsiView b = bsi();
    std::vector<uint32_t> members;
    for (size_t i = 0; i < b.slices.size(); ++i) {
      Bitmap in = Bitmap(roaring_bitmap_and(b.slices[i], with_value.get()));
      members.resize(in.cardinality());
      roaring_bitmap_to_uint32_array(in.get(), members.data());
      size_t pos = 0;
      for (uint32_t u : members) {
        while (ids[pos] != u) ++pos;
        vals[pos] |= uint64_t{1} << i;
      }
    }
  }
  if (users_out) users_out->insert(users_out->end(), ids.begin(), ids.end());
}

void TagVersion::NumericOffsets(const roaring_bitmap_t* users, std::span<const uint32_t> ids,
                                std::vector<uint64_t>* out) const {
  if (!forward_) return NumericOffsets(users, out);
  const uint64_t has = uint64_t{1} << (forward_width_ - 1);
  out->reserve(out->size() + ids.size());
  for (uint32_t u : ids) {
    const uint64_t code = ForwardCode(u);
    if (code & has) out->push_back(code & ~has);
  }
}

void TagVersion::CountValues(const roaring_bitmap_t* users, std::span<const uint32_t> ids,
                             std::vector<uint64_t>* counts) const {
  if (!forward_ || values_.size() <= 16) return CountValues(users, counts);
  counts->assign(values_.size(), 0);
  if (type_.kind == TagKind::kSet) {
    for (uint32_t u : ids) {
      for (uint64_t code = ForwardCode(u); code; code &= code - 1) ++(*counts)[std::countr_zero(code)];
    }
    return;
  }
  std::vector<uint64_t> by_code(values_.size() + 1, 0);
  for (uint32_t u : ids) ++by_code[std::min<uint64_t>(ForwardCode(u), values_.size())];
  for (size_t i = 0; i < values_.size(); ++i) (*counts)[i] = by_code[i + 1];
}

void TagVersion::CountValues(const roaring_bitmap_t* users, std::vector<uint64_t>* counts) const {
  counts->assign(values_.size(), 0);
  if (forward_ && values_.size() > 16) {
    if (type_.kind == TagKind::kSet) {
      ForEachUserBatch(users, [&](const uint32_t* batch, uint32_t n) {
        for (uint32_t i = 0; i < n; ++i) {
          for (uint64_t code = ForwardCode(batch[i]); code; code &= code - 1) ++(*counts)[std::countr_zero(code)];
        }
      });
    } else {
      std::vector<uint64_t> by_code(values_.size() + 1, 0);
      ForEachUserBatch(users, [&](const uint32_t* batch, uint32_t n) {
        for (uint32_t i = 0; i < n; ++i) ++by_code[std::min<uint64_t>(ForwardCode(batch[i]), values_.size())];
      });
      for (size_t i = 0; i < values_.size(); ++i) (*counts)[i] = by_code[i + 1];
    }
    return;
  }
  for (size_t i = 0; i < values_.size(); ++i) (*counts)[i] = roaring_bitmap_and_cardinality(value_users(i), users);
}

uint64_t TagVersion::ForwardCode(uint32_t user) const {
  if (user >= forward_users_) return 0;
  const uint64_t pos = uint64_t{user} * forward_width_;
  uint64_t bits = forward_[pos >> 6] >> (pos & 63);
  if ((pos & 63) + forward_width_ > 64) bits |= forward_[(pos >> 6) + 1] << (64 - (pos & 63));
  return forward_width_ == 64 ? bits : bits & ((uint64_t{1} << forward_width_) - 1);
}

std::vector<std::string> TagVersion::ValuesOf(uint32_t user) const {
  std::vector<std::string> out;
  ValuesOf(user, &out);
  return out;
}

void TagVersion::ValuesOf(uint32_t user, std::vector<std::string>* values) const {
  std::vector<std::string>& out = *values;
  out.clear();
  if (forward_) {
    const uint64_t code = ForwardCode(user);
    if (code == 0) return;
    if (type_.is_numeric()) {
      const uint64_t off = code & ~(uint64_t{1} << (forward_width_ - 1));
      out.push_back(FormatNumericValue(type_, static_cast<int64_t>(static_cast<uint64_t>(bsi_base_) + off)));
    } else if (type_.kind == TagKind::kSet) {
      for (size_t i = 0; i < values_.size(); ++i) {
        if ((code >> i) & 1) out.emplace_back(values_[i]);
      }
    } else if (code <= values_.size()) {
      out.emplace_back(values_[code - 1]);
    }
    return;
  }
  if (!roaring_bitmap_contains(exists(), user)) return;
  if (type_.is_numeric()) {
    int64_t v;
    if (BsiValueOf(bsi(), user, &v)) out.push_back(FormatNumericValue(type_, v));
    return;
  }
  for (size_t i = 0; i < values_.size(); ++i) {
    if (roaring_bitmap_contains(value_users(i), user)) out.emplace_back(values_[i]);
  }
}

}  // namespace tagloop
