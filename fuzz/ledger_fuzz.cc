// Fuzzes the delivery ledger's reader: the input becomes a ledger file
// (after the real 16-byte header when it does not start with one, so the
// fuzzer spends its time on records), which is then opened (replay,
// torn-tail cut), queried (Lookup, Pending, Counts, DeadLetters) and
// appended to. Anything may fail with a Status; nothing may crash, and a
// reopened ledger must hold at least what the first open replayed.
// Seeds: fuzz/corpus/ledger/.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "outreach/ledger.h"

namespace ol = tagloop::outreach;

namespace {

struct ScratchDir {
  std::string path =
      (std::filesystem::temp_directory_path() / ("ledger_fuzz." + std::to_string(::getpid()))).string();
  ScratchDir() { std::filesystem::create_directories(path); }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchDir scratch;
  const std::string file = scratch.path + "/run-0.ledger";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string header = ol::LedgerFileHeader();
  if (bytes.compare(0, header.size(), header) != 0 && !bytes.empty() && (bytes[0] & 1)) bytes = header + bytes;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  uint64_t end = 0;
  (void)ol::DecodeLedger(bytes, &end);
  uint64_t first = 0;
  {
    auto ledger = ol::Ledger::Open(file, ol::LedgerOptions{nullptr, false});
    if (!ledger.ok()) return 0;
    first = (*ledger)->replayed_records();
    tagloop::Bitmap plan = tagloop::Bitmap::Range(0, 64);
    (void)(*ledger)->Pending(plan.get(), "send", 0);
    (void)(*ledger)->Lookup(1, "send", 0);
    (void)(*ledger)->Counts("send", 0);
    (void)(*ledger)->DeadLetters("send", 0);
    ol::LedgerRecord r;
    r.user = 7;
    r.detail = "fuzz";
    if (!(*ledger)->Append(r).ok() || !(*ledger)->Commit().ok()) return 0;
  }
  auto again = ol::Ledger::Open(file, ol::LedgerOptions{nullptr, false});
  if (!again.ok() || (*again)->replayed_records() != first + 1 || (*again)->cut_bytes() != 0) std::abort();
  return 0;
}
