// Stable copies of short strings (unescaped CSV fields, new dictionary values):
// a copy lives as long as the arena, and moving the arena keeps it valid.
// Not thread-safe.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace tagloop {

class StringArena {
 public:
  // A copy of `s` owned by the arena.
  std::string_view Copy(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > left_) {
      const size_t block = std::max(kBlockBytes, s.size());
      blocks_.push_back(std::make_unique<char[]>(block));
      cur_ = blocks_.back().get();
      left_ = block;
    }
    std::memcpy(cur_, s.data(), s.size());
    std::string_view out(cur_, s.size());
    cur_ += s.size();
    left_ -= s.size();
    return out;
  }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
};

}  // namespace tagloop
