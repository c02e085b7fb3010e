// MANIFEST: the one file that names the store's live state (docs/format.md).
// JSON with a checksum over its canonical body; replaced atomically on every
// publish, so it is always either the old or the new state.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/tag_store.h"

namespace tagloop {

struct Manifest {
  uint64_t generation = 0;
  uint32_t user_count = 0;
  std::vector<std::string> id_segments;
  std::string deleted_file;  // "" when no user was ever deleted
  std::map<std::string, TagInfo, std::less<>> tags;
};

std::string EncodeManifest(const Manifest& m);
// Corruption (naming what is wrong) for bad JSON, a checksum mismatch or bad fields.
Result<Manifest> DecodeManifest(std::string_view text);

}  // namespace tagloop
