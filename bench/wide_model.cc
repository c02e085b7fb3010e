#include "wide_model.h"

#include <fmt/format.h>

#include "core/date.h"

namespace tagloop::bench {

namespace {

constexpr uint32_t kKinds = 6;
constexpr uint32_t kEnumValues = 20;
constexpr uint32_t kSetValues = 10;
constexpr int64_t kDateSpan = 2496;

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// 5%, 10%, ... 25% of a tag's cells are empty.
bool Empty(uint64_t h, uint32_t tag) { return (h & 0xff) < (13u + 13u * (tag % 5)); }

}  // namespace

std::string WideModel::TagName(uint32_t tag) { return fmt::format("t{:03}", tag); }

TagType WideModel::TypeOf(uint32_t tag) {
  TagType t;
  switch (tag % kKinds) {
    case 0: t.kind = TagKind::kBool; break;
    case 1: t.kind = TagKind::kEnum; break;
    case 2: t.kind = TagKind::kSet; break;
    case 3: t.kind = TagKind::kInt; break;
    case 4: t.kind = TagKind::kDecimal, t.scale = 2; break;
    default: t.kind = TagKind::kDate; break;
  }
  return t;
}

std::string WideModel::TypesArgument(uint32_t n) {
  std::string out;
  for (uint32_t t = 0; t < n; ++t) {
    if (t % kKinds == 1) continue;  // enum is the default
    if (!out.empty()) out += ',';
    out += TagName(t) + ":" + TypeOf(t).ToString();
  }
  return out;
}

std::string WideModel::ExternalId(uint32_t row) {
  // Multiplying by an odd constant is a bijection of uint32.
  return fmt::format("u{:010}", static_cast<uint32_t>(row * 2654435761u));
}

std::vector<std::string> WideModel::Values(uint32_t tag) {
  std::vector<std::string> out;
  switch (tag % kKinds) {
    case 0: return {"false", "true"};
    case 1:
      for (uint32_t i = 0; i < kEnumValues; ++i) out.push_back(fmt::format("v{:02}", i));
      return out;
    case 2:
      for (uint32_t i = 0; i < kSetValues; ++i) out.push_back(fmt::format("s{}", i));
      return out;
    default: return out;
  }
}

uint64_t WideModel::Hash(uint32_t row, uint32_t tag, uint64_t salt) const {
  return Mix(seed_ * 0x100000001b3ull ^ (uint64_t{tag} << 32 | row) ^ Mix(salt));
}

uint64_t WideModel::CategoricalMask(uint32_t row, uint32_t tag, uint64_t salt) const {
  const uint64_t h = Hash(row, tag, salt);
  if (Empty(h, tag)) return 0;
  switch (tag % kKinds) {
    case 0: return ((h >> 8) % 10) < 3 ? 2 : 1;  // 30% true
    case 1: {
      // Skewed: index = floor(20 * x^2) for x uniform in [0, 1).
      const double x = static_cast<double>((h >> 8) & 0xffff) / 65536.0;
      return uint64_t{1} << static_cast<uint32_t>(kEnumValues * x * x);
    }
    case 2: {
      uint64_t mask = 0;
      for (uint32_t v = 0; v < kSetValues; ++v) {
        if (((h >> (8 + 2 * v)) & 3) == 0) mask |= uint64_t{1} << v;
      }
      return mask;
    }
    default: return 0;
  }
}

bool WideModel::Numeric(uint32_t row, uint32_t tag, int64_t* value, uint64_t salt) const {
  const uint64_t h = Hash(row, tag, salt);
  if (Empty(h, tag)) return false;
  switch (tag % kKinds) {
    case 3: *value = static_cast<int64_t>((h >> 8) % 100000); return true;
    case 4: *value = static_cast<int64_t>((h >> 8) % 10000000); return true;
    case 5: *value = DaysFromCivil(2020, 1, 1) + static_cast<int64_t>((h >> 8) % kDateSpan); return true;
    default: return false;
  }
}

void WideModel::AppendCell(uint32_t row, uint32_t tag, uint64_t salt, std::string* out) const {
  const TagType type = TypeOf(tag);
  if (type.is_numeric()) {
    int64_t v;
    if (Numeric(row, tag, &v, salt)) *out += FormatNumericValue(type, v);
    return;
  }
  const uint64_t mask = CategoricalMask(row, tag, salt);
  const std::vector<std::string> values = Values(tag);
  bool first = true;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!((mask >> i) & 1)) continue;
    if (!first) out->push_back('|');
    first = false;
    *out += values[i];
  }
}

}  // namespace tagloop::bench
