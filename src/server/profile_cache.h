// The ProfileReader (store/profile.h) of the store's current state, shared
// by every profile request and replaced when a new state is published: the
// look-up hot path then takes one short lock here instead of one per tag.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>

#include "core/status.h"
#include "store/profile.h"
#include "store/tag_store.h"

namespace tagloop {

class ProfileCache {
 public:
  // `store` is not owned and must outlive the cache.
  explicit ProfileCache(TagStore* store) : store_(store) {}

  // The reader of the store's current snapshot, building it (opening every
  // tag's latest version) when the generation changed. Errors of
  // ProfileReader::Open; the previous reader is kept then.
  Result<std::shared_ptr<const ProfileReader>> Current();

 private:
  TagStore* store_;
  std::mutex mu_;
  std::shared_ptr<const ProfileReader> reader_;
};

}  // namespace tagloop
