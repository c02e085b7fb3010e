// Fuzzes the list-file reader (produce/list_file.h) feeding a RowCollector
// of each tag type: arbitrary bytes are read or rejected with
// InvalidArgument, never crash. Seeds: fuzz/corpus/list_file/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "produce/list_file.h"
#include "produce/row_collector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const char* kTypes[] = {"bool", "enum", "set", "int", "decimal:2", "date"};
  auto type = tagloop::TagType::Parse(kTypes[data[0] % 6]);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  tagloop::RowCollector rows(*type);
  tagloop::Status st = tagloop::ReadListBytes(bytes, "fuzz", rows);
  if (!st.ok() && st.code() != tagloop::Status::Code::kInvalidArgument) std::abort();
  if (st.ok() && rows.rows() > bytes.size()) std::abort();  // a row needs at least one byte
  return 0;
}
