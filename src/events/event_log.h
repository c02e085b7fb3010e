// EventLog: the durable, append-only log of accepted events (issue 5), in
// DIR/events/ of the data directory, one segment file per business day of
// the event time: DIR/events/2026-11-24.evl (format in docs/format.md,
// "Event log"). The business day of an event is the date of its time_ms
// shifted by EventLogOptions::utc_offset_minutes (default +08:00).
//
// Durability: Append returns only after the events are written and
// fdatasync'ed (options.sync), and after the folder is fsync'ed when a new
// segment was created, so an acknowledged event survives kill -9 and power
// loss. A crash mid-append leaves a torn tail (a partial or unchecksummed
// last record) that the next Open truncates away; the events of that batch
// were not acknowledged and the sender retries them (de-duplication makes
// the retry safe). Damage followed by valid records is not a torn write:
// Open refuses it (Corruption naming the file and byte offset).
//
// De-duplication: an event whose event_id was already logged for the same
// business day is acknowledged and not written again. Ids are kept as
// 64-bit XXH3 hashes (IdSet), loaded from a day's segment the first time
// the day is appended to; two distinct ids colliding (about n^2 / 2^65 for
// n ids a day) would drop the second as a duplicate.
//
// One process at a time: Open takes DIR/events/LOCK (FailedPrecondition if
// another process holds it).
//
// Thread-safety: every method may be called from any thread. Appends write
// under one mutex, then share fdatasyncs (group commit: one thread syncs on
// behalf of every batch written so far while the others wait), so many small
// concurrent batches cost one sync. Scan reads only synced bytes and may run
// during appends.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/env.h"
#include "core/status.h"
#include "events/event.h"

namespace tagloop::events {

struct EventLogOptions {
  // Folders, listing, reading (maps) and segment creation go through Env;
  // appends, truncation and fdatasync use POSIX calls on the segment's file
  // descriptor (Env has no append-only file yet). Static.
  Env* env = Env::Default();
  // Business days start at 00:00 at this UTC offset (minutes, -1439..1439).
  // Recorded in every segment: opening a log written with another offset is
  // FailedPrecondition. Static.
  int utc_offset_minutes = 480;
  // fdatasync before Append returns. false (tests, bulk loads) makes events
  // visible to Scan at once but a machine crash may lose acknowledged
  // events (a process crash does not). Static.
  bool sync = true;
};

struct AppendResult {
  std::vector<bool> is_new;           // parallel to the appended events: false = duplicate
  std::vector<uint32_t> new_indexes;  // indexes (into the input) of the new events, ascending
  uint64_t appended = 0;              // new_indexes.size()
  uint64_t duplicates = 0;            // events.size() - appended
  // Log sequence number of new_indexes[0]; new_indexes[i] has
  // first_sequence + i. Sequences are process-local (1, 2, ... from Open),
  // assigned in write order, contiguous within a batch. 0 when nothing new.
  uint64_t first_sequence = 0;
};

struct EventLogStats {
  uint64_t segments = 0;              // day files
  uint64_t events = 0;                // records in them
  uint64_t bytes = 0;                 // their total size
  uint64_t truncated_segments = 0;    // segments whose torn tail Open cut off
  uint64_t truncated_tail_bytes = 0;  // bytes cut off by Open
};

class EventLog {
 public:
  // Opens (creating DIR/events/ if needed) the log of the data directory
  // `dir`. Checks every segment: a torn tail is truncated (and counted in
  // stats()); a bad record followed by valid ones, a bad header or a header
  // naming another day is Corruption "<file>: ... at byte N"; a segment
  // written with another utc_offset_minutes is FailedPrecondition.
  // InvalidArgument for an offset outside -1439..1439.
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir, EventLogOptions options = {});
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends every event not logged before (first occurrence within the
  // batch wins) and makes them durable (see above) before returning.
  // InvalidArgument, before anything is written, for an event with an
  // empty or longer than 128 bytes event_id, a business day outside years
  // 0001-9999, or an encoding larger than 1 MiB. On a write error nothing
  // of the batch is acknowledged or kept (files are truncated back) and the
  // error is returned; if the truncation or an fdatasync fails, the log
  // stops accepting appends (IOError until reopened: after a failed
  // fdatasync the kernel's page cache can no longer be trusted).
  Result<AppendResult> Append(std::span<const Event> events);
  // Makes everything appended so far durable (fdatasync of every segment):
  // for bulk loads opened with sync = false, which sync once at the end
  // instead of once per batch and day touched.
  Status Sync();

  // Calls fn for every logged event whose business day is in [from, to],
  // day by day, in file order, reading only durable bytes (events of an
  // Append in progress are not seen). Stops at and returns the first non-OK
  // Status of fn; Corruption (file and offset) for a record that fails its
  // checksum or decoding.
  Status Scan(Days from, Days to, const std::function<Status(const Event&)>& fn) const;

  // Business days that have a segment, ascending.
  std::vector<Days> days() const;
  EventLogStats stats() const;
  // The business day of an event time under this log's offset.
  Days BusinessDay(int64_t time_ms) const;
  // DIR/events.
  const std::string& path() const { return path_; }

 private:
  struct Segment;
  EventLog(std::string path, EventLogOptions options);
  Status OpenSegment(const std::string& name, Days day);
  Result<Segment*> SegmentFor(Days day);  // caller holds mu_
  Status LoadIds(Segment* seg);           // caller holds mu_
  Status WaitDurable(uint64_t ticket);

  const std::string path_;
  const EventLogOptions options_;
  std::unique_ptr<FileLock> lock_;

  mutable std::mutex mu_;                              // guards everything below except the sync state
  std::map<Days, std::unique_ptr<Segment>> segments_;  // never erased while open
  std::vector<Segment*> dirty_;                        // written since the last sync started
  uint64_t write_ticket_ = 0;                          // batches written so far
  uint64_t next_sequence_ = 1;
  Status failed_;  // non-OK: appends refused
  EventLogStats stats_;

  std::mutex sync_mu_;  // guards the group-commit state
  std::condition_variable sync_cv_;
  bool syncing_ = false;        // a leader is in fdatasync
  uint64_t synced_ticket_ = 0;  // batches up to this one are durable
  Status sync_error_;
};

}  // namespace tagloop::events
