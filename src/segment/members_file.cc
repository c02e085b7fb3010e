#include "segment/members_file.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cstring>

namespace tagloop {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'S', 'E', 'G', 'M', 'B', '1'};
constexpr uint32_t kVersion = 1;

template <typename T>
void Put(std::string& out, T v) {
  char b[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i)
    b[i] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
  out.append(b, sizeof(T));
}

template <typename T>
T Get(const char* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<T>(v);
}

}  // namespace

std::string EncodeMembersFile(Bitmap& members, uint64_t* payload_checksum) {
  members.Optimize();
  const size_t size = roaring_bitmap_portable_size_in_bytes(members.get());
  std::string payload(size, '\0');
  roaring_bitmap_portable_serialize(members.get(), payload.data());
  const uint64_t sum = XXH3_64bits(payload.data(), payload.size());
  if (payload_checksum) *payload_checksum = sum;
  std::string out;
  out.reserve(kMembersHeaderBytes + payload.size());
  out.append(kMagic, sizeof(kMagic));
  Put<uint32_t>(out, kVersion);
  Put<uint32_t>(out, 0);
  Put<uint64_t>(out, members.cardinality());
  Put<uint64_t>(out, payload.size());
  Put<uint64_t>(out, sum);
  Put<uint64_t>(out, XXH3_64bits(out.data(), out.size()));
  out += payload;
  return out;
}

Result<Bitmap> DecodeMembersFile(std::string_view bytes, std::string_view name, uint64_t expected_checksum) {
  auto bad = [&](std::string why) { return Status::Corruption(fmt::format("{}: {}", name, why)); };
  if (bytes.size() < kMembersHeaderBytes) {
    return bad(fmt::format("{} bytes, shorter than the {}-byte header", bytes.size(), kMembersHeaderBytes));
  }
  const char* h = bytes.data();
  if (std::memcmp(h, kMagic, sizeof(kMagic)) != 0) return bad("not a segment member file (bad magic)");
  if (Get<uint64_t>(h + 40) != XXH3_64bits(h, 40)) return bad("header checksum mismatch");
  const uint32_t version = Get<uint32_t>(h + 8);
  if (version != kVersion) return bad(fmt::format("unsupported format version {}", version));
  const uint64_t count = Get<uint64_t>(h + 16);
  const uint64_t payload_size = Get<uint64_t>(h + 24);
  const uint64_t sum = Get<uint64_t>(h + 32);
  if (payload_size != bytes.size() - kMembersHeaderBytes) {
    return bad(fmt::format("the header says {} payload bytes, the file has {}", payload_size,
                           bytes.size() - kMembersHeaderBytes));
  }
  const char* payload = h + kMembersHeaderBytes;
  if (XXH3_64bits(payload, payload_size) != sum) return bad("payload checksum mismatch");
  if (expected_checksum != 0 && sum != expected_checksum) {
    return bad(
        fmt::format("payload checksum {:016x} differs from the index's {:016x}", sum, expected_checksum));
  }
  roaring_bitmap_t* r = roaring_bitmap_portable_deserialize_safe(payload, payload_size);
  if (!r) return bad("the member bitmap does not deserialize");
  Bitmap members(r);
  if (roaring_bitmap_portable_size_in_bytes(r) != payload_size) {
    return bad("the member bitmap does not fill the payload");
  }
  if (members.cardinality() != count) {
    return bad(fmt::format("the header says {} members, the bitmap holds {}", count, members.cardinality()));
  }
  return members;
}

}  // namespace tagloop
