#include "server/profile_cache.h"

namespace tagloop {

namespace {
std::pair<uint64_t, uint64_t> State(const Snapshot& s) { return {s.generation(), s.live_generation()}; }
}  // namespace

Result<std::shared_ptr<const ProfileReader>> ProfileCache::Current() {
  std::shared_ptr<const Snapshot> snap = store_->snapshot();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (reader_ && reader_->state() == State(*snap)) return reader_;
  }
  // Built outside the lock: requests keep using the previous reader meanwhile
  // (two threads may both build one; the newest generation wins).
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<ProfileReader> built, ProfileReader::Open(snap));
  std::shared_ptr<const ProfileReader> reader = std::move(built);
  std::lock_guard<std::mutex> l(mu_);
  if (!reader_ || reader_->state() < reader->state()) reader_ = reader;
  return reader;
}

}  // namespace tagloop
