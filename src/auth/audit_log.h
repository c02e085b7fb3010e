// AuditLog: who read or changed what, in the audit table of DIR/tagloop.db.
// Written for every access to personal data (profile look-ups, id exports,
// user deletion) and every administrative change (imports, tokens).
//
// Record() is on the hot path (profile look-ups at 20,000/s): it appends the
// entry to an in-memory buffer and returns. A background thread writes the
// buffer every `flush_interval` (200 ms), or sooner once `batch_size` entries
// wait, in one transaction. Durability: an entry is on disk once Flush()
// returns OK, or within about flush_interval of Record() while the disk
// works. A crash (kill -9, power cut) loses at most the entries of the last
// ~flush_interval; a clean shutdown (destructor) loses none.
//
// Fail closed: when writes fail (disk full, the file locked for longer than
// the busy timeout), entries stay buffered and are retried; once
// `max_buffered` entries wait, Record() refuses new ones with
// ResourceExhausted, and callers must then refuse the request they were
// going to audit (the server answers 503): personal data is never served
// without an audit entry that can be written.
//
// Secrets never appear: an entry has no field for one, and target and detail
// pass through RedactTokenSecrets before they are stored.
//
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "catalog/catalog_db.h"
#include "auth/roles.h"
#include "core/wall_clock.h"
#include "core/status.h"

namespace tagloop {

// The actions tagloop records (free text is allowed for later issues; keep
// the "noun.verb" shape).
namespace audit_action {
inline constexpr std::string_view kSegmentsQuery = "segments.query";    // ids of a segment were read
inline constexpr std::string_view kSegmentsExport = "segments.export";  // ids written to a file
inline constexpr std::string_view kUsersProfile = "users.profile";      // one user's tag values read
inline constexpr std::string_view kUsersDelete = "users.delete";        // right to be forgotten
inline constexpr std::string_view kImport = "import";
inline constexpr std::string_view kTokensCreate = "tokens.create";
inline constexpr std::string_view kTokensRevoke = "tokens.revoke";
inline constexpr std::string_view kInsightDiff = "insight.diff";  // ids that entered/left a segment
}  // namespace audit_action

struct AuditEntry {
  int64_t id = 0;              // set when read back by Query; ignored by Record
  int64_t at_unix_ms = 0;      // 0: Record() fills in the current time
  std::string principal_name;  // a token's name, or "cli:<user>" for local commands
  int64_t token_id = 0;        // 0: no token (local CLI use)
  Role role = Role::kViewer;
  std::string action;      // e.g. audit_action::kUsersProfile; must not be empty
  std::string target;      // what it was about: the expression, the user id, the token id
  int64_t item_count = 0;  // how many: ids returned, users deleted, rows imported
  std::string detail;      // anything else, JSON or text

  // An entry for `principal` doing `action` on `target`.
  static AuditEntry For(const Principal& principal, std::string_view action, std::string_view target,
                        int64_t item_count = 0);
};

struct AuditFilter {
  int64_t since_unix_ms = 0;          // inclusive
  int64_t until_unix_ms = INT64_MAX;  // exclusive
  std::string action;                 // empty: any
  std::string principal_name;         // empty: anyone
  std::string target;                 // empty: any (exact match: "who looked up user X?")
  size_t limit = 100;                 // newest first; at most 10,000
};

struct AuditLogOptions {
  // Write the buffer at least this often. Default 200 ms. Fixed at Open.
  std::chrono::milliseconds flush_interval{200};
  // Write sooner once this many entries wait. Default 4096.
  size_t batch_size = 4096;
  // Refuse Record() beyond this many unwritten entries. Default 1,000,000
  // (about 200 MB; at 20,000 entries/s, 50 s of failing writes).
  size_t max_buffered = 1'000'000;
  // target and detail are cut to this many bytes (on a UTF-8 boundary, with
  // a trailing "..."). Default 4096.
  size_t max_field_bytes = 4096;
  // Run the background writer. Without it entries are written only by
  // Flush() and the destructor (the CLI). Default true.
  bool background = true;
  // Wall clock for at_unix_ms; not owned, must outlive the log.
  // nullptr: WallClock::Default().
  WallClock* clock = nullptr;
  CatalogOptions catalog;
};

class AuditLog {
 public:
  // Opens DIR/tagloop.db (see CatalogDb::Open for errors).
  [[nodiscard]] static Result<std::unique_ptr<AuditLog>> Open(const std::string& dir,
                                                              const AuditLogOptions& options = {});
  // Stops the writer and writes what is buffered (an error here is lost:
  // call Flush() first to see it).
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Buffers `entry` (copying it into the buffer, never waiting for disk).
  // InvalidArgument for an empty action; ResourceExhausted when max_buffered
  // entries are waiting (see the top of this file).
  [[nodiscard]] Status Record(AuditEntry entry);

  // Writes every entry recorded before the call; returns when they are
  // committed. The error of the write, if any (the entries stay buffered).
  [[nodiscard]] Status Flush();

  // Entries matching `filter`, newest first. Flushes first, so it sees
  // everything recorded before the call.
  [[nodiscard]] Result<std::vector<AuditEntry>> Query(const AuditFilter& filter);

  // Flushes, then deletes entries older than `before_unix_ms`; returns how
  // many. Retention
  // is the operator's policy (profile look-ups make millions of rows a day).
  [[nodiscard]] Result<int64_t> Prune(int64_t before_unix_ms);

  // Entries buffered, not yet written.
  size_t pending() const;

 private:
  AuditLog(std::unique_ptr<CatalogDb> db, const AuditLogOptions& options);
  Status PrepareStatements();
  Status FlushLocked();  // write_mu_ held
  void WriterLoop();
  void Truncate(std::string& field) const;

  const AuditLogOptions options_;
  WallClock* const clock_;

  // The write side, one thread at a time: the connection and its statements.
  std::mutex write_mu_;
  std::unique_ptr<CatalogDb> db_;
  Statement insert_, query_, prune_;

  // The buffer. Entries move to `writing` under buf_mu_ and are written
  // outside it, so Record() never waits for the disk.
  mutable std::mutex buf_mu_;
  std::condition_variable buf_cv_;
  std::vector<AuditEntry> buffer_;
  size_t unwritten_ = 0;  // buffer_ plus a batch being written
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tagloop
