// Fuzzes the tag version file reader: arbitrary bytes must be rejected with
// Corruption or read safely, never crash (checksums are verified first, but
// the structural checks must hold on their own too: see FromBytes).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/tag_version.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto v = tagloop::TagVersion::FromBytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (v.ok()) {
    (void)(*v)->ValuesOf(0);
    (void)(*v)->users_with_value();
  }
  return 0;
}
