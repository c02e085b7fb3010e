// Env: the file system and the clock, behind one interface so tests can fake
// time and inject faults (LevelDB's Env). The default is POSIX. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

// A read-only memory map of a whole file; unmapped on destruction.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual const char* data() const = 0;
  virtual size_t size() const = 0;
};

// Held while alive: an exclusive advisory lock on a file (released at exit,
// even on a crash, because it is a flock).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;
  static Env* Default();

  // Writes `data` to path+".tmp", fsyncs it, renames it over `path` and fsyncs
  // the folder: afterwards `path` holds either the old or the new content.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data) = 0;
  // Writes a new file and fsyncs it (not its folder: call SyncDir before
  // publishing anything that names it).
  virtual Status WriteFileDurable(const std::string& path, std::string_view data) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) = 0;
  virtual Status SyncDir(const std::string& path) = 0;
  // mkdir -p.
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Last modification time (unix seconds).
  virtual Result<int64_t> FileModifiedUnix(const std::string& path) = 0;
  // Bytes of a regular file.
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of a folder, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Non-blocking: FailedPrecondition if another process holds the lock.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  virtual int64_t NowUnixSeconds() = 0;
  virtual int64_t NowMicros() = 0;
};

}  // namespace tagloop
