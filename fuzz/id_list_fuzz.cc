// Fuzzes the id-list reader of list segment uploads (import/id_list_reader.h)
// in both formats, and the member file reader (segment/members_file.h):
// arbitrary bytes are read or rejected with InvalidArgument (lists) or
// Corruption (member files), never crash; every id read is a valid external
// id inside the input. Seeds: fuzz/corpus/id_list/ (first byte: bit 0 picks
// CSV, bit 1 names the column "id").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "import/id_list_reader.h"
#include "segment/members_file.h"
#include "store/user_dictionary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  tagloop::IdListOptions o;
  o.format = data[0] & 1 ? tagloop::IdListFormat::kCsv : tagloop::IdListFormat::kLines;
  if (data[0] & 2) o.column = "id";
  auto list = tagloop::ReadIdList(bytes, o);
  if (!list.ok() && list.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
  if (list.ok()) {
    if (list->ids.size() + list->blank_lines > bytes.size() + 1) std::abort();
    for (std::string_view id : list->ids) {
      if (!tagloop::ValidateExternalId(id).ok()) std::abort();
    }
  }
  auto members = tagloop::DecodeMembersFile(bytes, "fuzz");
  if (!members.ok() && members.status().code() != tagloop::Status::Code::kCorruption) std::abort();
  return 0;
}
