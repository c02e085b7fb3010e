// TickingEnv: a fake clock for deadlines (core/deadline.h) — tests check
// where work stops without slow work or sleeps.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/env.h"

namespace tagloop::testing {

// The default Env whose monotonic clock moves 1 µs each time it is read:
// a deadline of N µs passes at the N-th check.
class TickingEnv final : public Env {
 public:
  Status WriteFileAtomic(const std::string& p, std::string_view d) override { return base_->WriteFileAtomic(p, d); }
  Status WriteFileDurable(const std::string& p, std::string_view d) override { return base_->WriteFileDurable(p, d); }
  Result<std::string> ReadFile(const std::string& p) override { return base_->ReadFile(p); }
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& p) override { return base_->MapFile(p); }
  Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Result<int64_t> FileModifiedUnix(const std::string& p) override { return base_->FileModifiedUnix(p); }
  Result<uint64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }
  Result<std::vector<std::string>> ListDir(const std::string& p) override { return base_->ListDir(p); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override { return base_->LockFile(p); }
  int64_t NowUnixSeconds() override { return base_->NowUnixSeconds(); }
  int64_t NowMicros() override { return ++micros_; }
  int64_t reads() const { return micros_.load(); }

 private:
  Env* base_ = Env::Default();
  std::atomic<int64_t> micros_{0};
};

}  // namespace tagloop::testing
