// JourneyState: where every user inside one journey is, durably
// (docs/outreach.md, "Journeys" / "State and time"; the bytes:
// docs/format.md, "Journey state").
//
// Users are kept in **groups**: the users at the same step of the same
// version, with the same occurrence and the same timer (wake_ms, rounded by
// the caller to a slot), as one Roaring bitmap. Entering, moving and leaving
// are records of an append-only file of checksummed records (a JSON header
// and the members as a portable Roaring bitmap each); Commit writes and
// fdatasyncs the buffered records (group commit). Changes apply in memory
// when made (so one batch can enter users and move them on); the one
// writer (the journey runner) commits before it sends or reports anything
// that depends on them, so nothing sent can be undone by a kill. Open replays the file (a torn tail is cut off); Compact rewrites it
// as one record per live group plus the bookkeeping, through a temp file,
// fsync and rename, when it has grown beyond twice that.
//
// Bookkeeping kept beside the groups (all replayed): each user's number of
// entries (layered bitmaps: layer k = users who entered more than k times),
// users entered per business-agnostic UTC day (re-entry "after N days"),
// the users who ever reached each step (the step's population), per-step
// tallies, the hashes of the trigger events of the last day (an event
// taken twice after a restart enters nobody twice) and the time up to which
// events were taken.
//
// Memory: a waiting user costs their share of one group bitmap plus, unless
// their group was made by a bulk arrival (50,000 users or more at once: a
// scheduled run, a big timer), one 8-byte slot of a flat user -> group index
// (load ≤ 0.7); bulk groups are searched by their bitmaps. No timer objects.
//
// Thread-safety: every member may be called from any thread (one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bitmap.h"
#include "core/env.h"
#include "core/status.h"

namespace tagloop::outreach {

// Where a group is: a step of a version, an occurrence and a timer.
struct GroupPlace {
  int64_t version = 1;
  std::string step;
  uint32_t occurrence = 0;
  int64_t wake_ms = 0;   // when the step's timer fires; 0 = none (a send under way)
  bool operator==(const GroupPlace&) const = default;
};

struct JourneyGroup {
  uint32_t id = 0;
  GroupPlace place;
  int64_t since_ms = 0;  // when its first users arrived
  Bitmap members;
};

// Per-step tallies (replayed from the records).
struct StepTally {
  uint64_t entered = 0;    // arrivals (any version or occurrence)
  uint64_t sent = 0, failed = 0, suppressed = 0;  // send steps: outcomes when users moved on
  uint64_t converted = 0;  // left on the goal event while here
  uint64_t exited = 0;     // left here, any reason (converted included)
  std::map<std::string, uint64_t> exit_reasons;
};

struct JourneyStateOptions {
  Env* env = nullptr;  // null: Env::Default()
  bool sync = true;    // false skips fdatasync (benchmarks of the rest only)
  // Replays only: no file is created, cut or opened for writing (readers of
  // a state another JourneyState writes); Commit and Compact refuse.
  bool read_only = false;
};

class JourneyState {
 public:
  // Opens (creating) and replays the state file at `path`. Corruption when
  // the file is not a journey state; a torn or bad tail is cut off.
  static Result<std::unique_ptr<JourneyState>> Open(const std::string& path, JourneyStateOptions options = {});
  ~JourneyState();
  JourneyState(const JourneyState&) = delete;
  JourneyState& operator=(const JourneyState&) = delete;

  // The changes below apply at once and are written at the next Commit.
  // Each returns the group the users went to (0 when they left).
  //
  // `users` enter at `to` at now_ms (each user's occurrence is the caller's:
  // Occurrences(u) before the entry). `join`: add them to an existing group
  // with the same place (timers, never a send under way).
  // `via`: steps passed on the way without stopping (branches, splits, an
  // event wait already met), counted as reached.
  uint32_t Enter(const Bitmap& users, const GroupPlace& to, int64_t now_ms, bool join,
                 const std::vector<std::string>& via = {});
  // Members of group `from` (users ∩ members) move to `to`. `tally`: a send
  // step's outcomes {"sent", "failed", "suppressed"} counted at `from`'s step.
  uint32_t Move(uint32_t from, const Bitmap& users, const GroupPlace& to, int64_t now_ms, bool join,
                const nlohmann::json& tally = nullptr, const std::vector<std::string>& via = {});
  // Members of group `from` leave the journey: `reason` is converted,
  // completed, stopped, not_matching, control, ... (tallied at the last
  // step of `via`, else at `from`'s step).
  void Leave(uint32_t from, const Bitmap& users, std::string_view reason, int64_t now_ms,
             const nlohmann::json& tally = nullptr, const std::vector<std::string>& via = {});
  // Users held out at entry (the `control` pseudo-step): counted, never inside.
  void HoldOut(const Bitmap& users, uint32_t occurrence, int64_t now_ms);
  // Hashes of the events that made users enter (kept a day for SeenTrigger).
  void NoteTriggers(std::vector<uint64_t> hashes, int64_t now_ms);
  // Events up to this time were taken (a restart takes later ones again).
  void SetEventsTakenUntil(int64_t ms);
  // Writes and fdatasyncs what is buffered. After an IOError the state
  // refuses further changes (the file is a valid prefix; reopen to recover).
  Status Commit();

  // Queries.
  std::optional<JourneyGroup> Group(uint32_t id) const;       // a copy
  std::vector<uint32_t> GroupsAt(std::string_view step) const;
  std::vector<uint32_t> AllGroups() const;
  // Groups without a timer (at a send step, or just arrived), cheaply.
  std::vector<uint32_t> Untimed() const;
  // Groups whose timer is due (0 < wake_ms <= now_ms), earliest first.
  std::vector<uint32_t> DueGroups(int64_t now_ms) const;
  int64_t NextWakeMs() const;  // 0 when no timer
  std::optional<uint32_t> GroupOf(uint32_t user) const;
  uint32_t Occurrences(uint32_t user) const;                  // entries so far (held out included)
  // `users` by their number of entries so far (occurrence of their next entry).
  std::map<uint32_t, Bitmap> ByOccurrence(const Bitmap& users) const;
  // Users who entered on a UTC day at or after since_ms's (re-entry "after").
  Bitmap EnteredSince(int64_t since_ms) const;
  // The same questions for one user (cheap for a few users: no bitmap copied).
  bool EnteredEver(uint32_t user) const;
  bool EnteredSince(uint32_t user, int64_t since_ms) const;
  bool SeenTrigger(uint64_t event_hash) const;
  Bitmap Inside() const;
  uint64_t InsideCount() const;
  Bitmap EverEntered() const;
  Bitmap Reached(std::string_view step) const;
  Bitmap HeldOut() const;
  std::map<std::string, StepTally> Tallies() const;
  uint64_t EnteredTotal() const;
  int64_t events_taken_until() const;
  // Users inside per version.
  std::map<int64_t, uint64_t> InsideByVersion() const;

  // Rewrites the file compactly when it is larger than twice (and 1 MiB
  // more than) a fresh rewrite would be. Returns true when it did.
  Result<bool> CompactIfLarge();
  Status Compact();

  uint64_t file_bytes() const;
  uint64_t cut_bytes() const { return cut_bytes_; }
  // Approximate heap bytes of the live state (groups, index, bookkeeping).
  uint64_t MemoryBytes() const;

 private:
  JourneyState() = default;
  class UserIndex;
  Status Replay(std::string_view bytes, uint64_t* valid_end);
  // Applies one record to the state (live changes and replay alike).
  Status ApplyLocked(const nlohmann::json& header, const roaring_bitmap_t* members);
  // Applies and buffers a record.
  void RecordLocked(nlohmann::json header, const roaring_bitmap_t* members);
  void RemoveFromGroupLocked(JourneyGroup& g, const roaring_bitmap_t* users);
  // Makes `who`, arrived in group `id` (`made`: new), findable by GroupOf.
  void IndexLocked(uint32_t id, bool made, const roaring_bitmap_t* who);
  void DropIfEmptyLocked(uint32_t id);
  uint32_t FindJoinableLocked(const GroupPlace& place) const;
  std::string SnapshotLocked() const;

  std::string path_;
  JourneyStateOptions options_;
  int fd_ = -1;
  uint64_t file_bytes_ = 0;
  uint64_t cut_bytes_ = 0;

  mutable std::mutex mu_;
  Status broken_;
  std::string buffer_;  // encoded records not yet written
  uint32_t next_group_ = 1;  // ids are never reused
  std::map<uint32_t, JourneyGroup> groups_;
  std::set<std::pair<int64_t, uint32_t>> timers_;  // (wake_ms, group)
  std::unique_ptr<UserIndex> index_;  // user -> group, but for bulk groups
  std::set<uint32_t> bulk_;           // groups made by 50,000 users or more at once
  uint64_t bulk_inside_ = 0;          // their members
  std::vector<Bitmap> entry_layers_;                // layer k: entered > k times
  std::map<int64_t, Bitmap> entered_by_day_;        // UTC day -> users
  std::map<std::string, Bitmap, std::less<>> reached_;
  std::map<std::string, StepTally, std::less<>> tallies_;
  Bitmap held_out_;
  uint64_t entered_total_ = 0;
  std::map<int64_t, std::vector<uint64_t>> triggers_by_minute_;  // for expiry
  std::unordered_set<uint64_t> triggers_;
  int64_t events_taken_until_ = 0;
};

}  // namespace tagloop::outreach
