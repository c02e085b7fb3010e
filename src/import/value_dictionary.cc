#include "import/value_dictionary.h"

#include <xxhash.h>

namespace tagloop {

uint32_t ValueDictionary::Intern(std::string_view value, bool stable) {
  if (slots_.empty()) {
    slots_.assign(16, 0);
    mask_ = 15;
  }
  const uint64_t h = XXH3_64bits(value.data(), value.size());
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const uint32_t slot = slots_[i];
    if (slot == 0) {
      const auto code = static_cast<uint32_t>(values_.size());
      values_.push_back(stable ? value : arena_.Copy(value));
      hashes_.push_back(h);
      slots_[i] = code + 1;
      if (values_.size() * 2 > slots_.size()) Grow();
      return code;
    }
    if (hashes_[slot - 1] == h && values_[slot - 1] == value) return slot - 1;
  }
}

void ValueDictionary::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (uint32_t code = 0; code < values_.size(); ++code) {
    uint64_t i = hashes_[code] & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = code + 1;
  }
}

}  // namespace tagloop
