// Fuzzes the tag definition reader (catalog/tag_definition.h): arbitrary
// JSON is accepted or rejected with InvalidArgument; an accepted definition
// written back (TagDefinitionToJson) reads back to the same definition.
// Seeds: fuzz/corpus/tag_definition/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "catalog/tag_definition.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  auto def = tagloop::TagDefinitionFromJson(json);
  if (!def.ok()) {
    if (def.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
    return 0;
  }
  auto again = tagloop::TagDefinitionFromJson(tagloop::TagDefinitionToJson(*def));
  if (!again.ok() || !again->SameAs(*def) || again->category_path != def->category_path) std::abort();
  return 0;
}
