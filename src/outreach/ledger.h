// The per-recipient delivery ledger of one (campaign, run): an append-only
// file of checksummed records, `DIR/outreach/<campaign id>/run-<r>.ledger`
// (docs/outreach.md, "Delivery"; the bytes: docs/format.md, "Delivery
// ledger"). A recipient's state is its last record; no record = pending.
//
// The dispatcher appends a record only after the channel answered and
// commits (write + fdatasync) each batch before it hands over the next, so
// a SIGKILL loses at most the answers not yet committed: those recipients
// are sent again with the same message id. Open replays the file into an in-memory
// index of each recipient's last state; a torn or corrupt tail (a record
// whose length or checksum does not hold) is cut off, and everything after
// the first bad record goes with it (the longest valid prefix is kept).
// Readers (Lookup, Pending, Counts, ...) see a record only once Commit made
// it durable, so no answer about a recipient can be undone by a kill.
//
// Thread-safe: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bitmap.h"
#include "core/env.h"
#include "core/status.h"

namespace tagloop::outreach {

enum class DeliveryState : uint8_t {
  kPending = 0,     // implicit: planned, no record (never stored)
  kSent = 1,        // handed over to the gateway
  kFailed = 2,      // permanent failure
  kRetry = 3,       // transient failure; `next_ms` is the next attempt
  kDead = 4,        // retries exhausted: a dead letter
  kSuppressed = 5,  // removed at send time; `detail` is the reason
};
// sent, failed, dead and suppressed end a recipient's delivery.
bool IsFinal(DeliveryState state);
// "pending", "sent", "failed", "retry", "dead", "suppressed".
const char* DeliveryStateName(DeliveryState state);

struct LedgerRecord {
  uint32_t user = 0;           // dense id
  std::string step = "send";   // at most 255 bytes
  uint32_t occurrence = 0;     // below 65,536
  DeliveryState state = DeliveryState::kSent;
  uint16_t attempt = 0;        // attempts made so far (0 on an operator's retry: a fresh budget)
  int64_t time_ms = 0;         // Unix ms of the answer
  int64_t next_ms = 0;         // kRetry: Unix ms of the next attempt; otherwise 0
  // sent: the gateway's id; failed/retry/dead: the error; suppressed: the
  // reason. Cut to kMaxDetail bytes. Never a secret (channels keep them out).
  std::string detail;
};
inline constexpr size_t kMaxLedgerDetail = 512;

// What the index keeps of a recipient's last record.
struct LedgerEntry {
  DeliveryState state = DeliveryState::kPending;
  uint16_t attempt = 0;
  int64_t time_ms = 0;
  int64_t next_ms = 0;
};

struct LedgerCounts {
  uint64_t sent = 0, failed = 0, retry = 0, dead = 0, suppressed = 0;
};

struct LedgerOptions {
  Env* env = nullptr;  // null: Env::Default(); used for folders and the replay
  // false skips fdatasync in Commit (benchmarks of the rest, never production).
  bool sync = true;
};

class Ledger {
 public:
  // Opens (creating it, its folder, and fsyncing both when new) and replays
  // the ledger at `path`. A torn or corrupt tail is cut off (the file is
  // truncated to its valid prefix and synced). Corruption when the file
  // header is not a ledger's; IOError when the file system refuses.
  static Result<std::unique_ptr<Ledger>> Open(const std::string& path, LedgerOptions options = {});
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Buffers a record; the index shows it after the next successful Commit.
  // InvalidArgument when the step is longer than 255 bytes, the occurrence
  // ≥ 65,536 or the state is kPending; the record is then not appended.
  Status Append(const LedgerRecord& record);
  // Writes the buffered records and fdatasyncs the file (group commit).
  // After an IOError the ledger refuses further appends (what is on disk is
  // still a valid prefix, replayed on the next open).
  Status Commit();
  // Records waiting for Commit.
  size_t uncommitted() const;

  // The recipient's last state (kPending with attempt 0 when none).
  LedgerEntry Lookup(uint32_t user, std::string_view step, uint32_t occurrence) const;
  // The planned users whose delivery has not ended (no record, or kRetry).
  Bitmap Pending(const roaring_bitmap_t* plan, std::string_view step, uint32_t occurrence) const;
  LedgerCounts Counts(std::string_view step, uint32_t occurrence) const;
  // Recipients suppressed at send time, by reason.
  std::map<std::string, uint64_t> SuppressedByReason(std::string_view step, uint32_t occurrence) const;
  // The error, suppression reason or retry note of a recipient whose last
  // record is not `sent` ("" otherwise). Kept in memory only for those.
  std::string LastDetail(uint32_t user, std::string_view step, uint32_t occurrence) const;
  // The dead letters (their last record, in the ledger's order of records).
  Result<std::vector<LedgerRecord>> DeadLetters(std::string_view step, uint32_t occurrence) const;
  // An operator's retry of every dead letter: a kRetry record with attempt 0
  // and next_ms = now_ms each (committed). Returns how many.
  Result<size_t> RetryDeadLetters(std::string_view step, uint32_t occurrence, int64_t now_ms);

  // Replay figures of Open.
  uint64_t replayed_records() const { return replayed_records_; }
  uint64_t cut_bytes() const { return cut_bytes_; }
  const std::string& path() const { return path_; }

 private:
  Ledger() = default;
  class Index;
  Status Replay(std::string_view bytes, uint64_t* valid_end);
  int StepIndexLocked(std::string_view step, bool add);
  void ApplyLocked(const LedgerRecord& r, int step_index);
  void NoteLocked(uint64_t key, DeliveryState state, std::string_view detail);

  std::string path_;
  LedgerOptions options_;
  int fd_ = -1;
  uint64_t replayed_records_ = 0;
  uint64_t cut_bytes_ = 0;

  mutable std::mutex mu_;
  std::unique_ptr<Index> index_;       // guarded by mu_
  std::vector<std::string> steps_;     // guarded by mu_
  std::string buffer_;                 // guarded by mu_
  size_t buffered_ = 0;                // guarded by mu_
  // The buffered records' index updates, applied by Commit.
  struct Unindexed {
    uint64_t key;
    LedgerEntry entry;
    std::string detail;
  };
  std::vector<Unindexed> unindexed_;   // guarded by mu_
  Status broken_;                      // guarded by mu_
  // By (step, occurrence) key prefix: suppressed recipients per reason.
  std::map<uint64_t, std::map<std::string, uint64_t>> suppressed_reasons_;  // guarded by mu_
  // The detail of recipients whose last record is not `sent`.
  std::unordered_map<uint64_t, std::string> details_;  // guarded by mu_
};

// Encodes one record as stored (exposed for tests and the fuzz target).
std::string EncodeLedgerRecord(const LedgerRecord& record);
// The 16-byte file header every ledger starts with.
std::string LedgerFileHeader();
// Decodes the records of a whole ledger file's bytes, stopping at the first
// torn or corrupt record; *valid_end is the byte length of the valid prefix.
// Corruption when the header is not a ledger's.
Result<std::vector<LedgerRecord>> DecodeLedger(std::string_view bytes, uint64_t* valid_end);

}  // namespace tagloop::outreach
