// The members of one version of a frozen saved segment (saved_segments.h):
// a set of dense user ids in its own file, DIR/segments/<name>-v<N>.roar
// (docs/format.md, "Segment member files"):
//
//   offset  size  field
//   0       8     magic "TLSEGMB1"
//   8       4     format version, uint32 little-endian (1)
//   12      4     reserved, 0
//   16      8     member count (the bitmap's cardinality), uint64
//   24      8     payload bytes, uint64
//   32      8     XXH3-64 of the payload
//   40      8     XXH3-64 of bytes [0, 40)
//   48      ...   payload: the Roaring portable serialization of the set
//
// Files are written once (Env::WriteFileAtomic) and never changed.
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bitmap.h"
#include "core/status.h"

namespace tagloop {

inline constexpr size_t kMembersHeaderBytes = 48;

// The bytes of a member file for `members` (optimized first, so the caller's
// bitmap may change representation, not content). `*payload_checksum` gets
// the XXH3-64 of the payload (the index records it).
std::string EncodeMembersFile(Bitmap& members, uint64_t* payload_checksum);

// Reads a member file: checks the magic, version, both checksums and the
// sizes, deserializes the payload with CRoaring's bounds-checked
// roaring_bitmap_portable_deserialize_safe, and checks that it used exactly
// the payload and holds `member count` users. When `expected_checksum` is
// not 0 the payload checksum must equal it (the index's record).
// Corruption "NAME: what is wrong" otherwise; never reads out of bounds.
Result<Bitmap> DecodeMembersFile(std::string_view bytes, std::string_view name,
                                 uint64_t expected_checksum = 0);

}  // namespace tagloop
