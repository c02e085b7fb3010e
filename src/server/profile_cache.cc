#include "server/profile_cache.h"

namespace tagloop {

Result<std::shared_ptr<const ProfileReader>> ProfileCache::Current() {
  std::shared_ptr<const Snapshot> snap = store_->snapshot();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (reader_ && reader_->generation() == snap->generation()) return reader_;
  }
  // Built outside the lock: requests keep using the previous reader meanwhile
  // (two threads may both build one; the newest generation wins).
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<ProfileReader> built, ProfileReader::Open(snap));
  std::shared_ptr<const ProfileReader> reader = std::move(built);
  std::lock_guard<std::mutex> l(mu_);
  if (!reader_ || reader_->generation() < reader->generation()) reader_ = reader;
  return reader;
}

}  // namespace tagloop
