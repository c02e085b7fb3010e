// TouchHistory: who was sent how many messages, per channel and hour, for
// frequency caps and "touched recently" (docs/outreach.md, "Planning").
//
// Per (hour, channel) it keeps layered bitmaps: layer k (1-based) holds the
// users sent at least k messages on that channel in that hour. A cap of
// `max` over a window is a saturating counter of `max` bitmaps summed over
// the window's buckets (C_j = users with at least j messages so far), so a
// whole population is evaluated in a few hundred bitmap operations, never
// per user.
//
// Hours are Unix hours (UTC milliseconds / 3,600,000, floored). A window of
// W hours at `now` covers the buckets [hour(now) - W, hour(now)]: a message
// sent at 10:40 counts until 11:00 W hours later, never less than the window
// (at most one hour more).
//
// Persistence: one file per UTC day, DIR/outreach/touches/YYYY-MM-DD.touches,
// written whole through Env::WriteFileAtomic (temp file, fsync, rename, fsync
// of the folder) by Flush() for the days changed since the last flush.
// Format (little-endian): "TLTOUCH1"; u32 bucket count; per bucket: i64 hour,
// u16 channel length, channel bytes, u32 layer count, per layer u32 size and
// that many bytes of CRoaring's portable serialization; then XXH3-64 of
// everything before it. Open() validates every file (bounds, checksum,
// roaring's safe deserializer, hours within the file's day) and fails with
// Corruption naming the file. The delivery ledgers are the source of truth:
// RebuildFrom() lets them repopulate the history after a loss.
//
// Thread-safety: all methods may be called concurrently (a shared mutex:
// queries run in parallel, Record/Flush/Prune/RebuildFrom exclusively).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitmap.h"
#include "core/env.h"
#include "core/status.h"
#include "outreach/policy.h"

namespace tagloop::outreach {

class TouchHistory {
 public:
  static constexpr int64_t kHourMs = 3'600'000;
  static int64_t HourOf(int64_t unix_ms);

  // Loads DIR/outreach/touches/*.touches (none: an empty history).
  // `env` is not owned and must outlive this.
  [[nodiscard]] static Result<std::unique_ptr<TouchHistory>> Open(Env* env, const std::string& data_dir);
  // An empty history kept in memory only (Flush writes nothing): tests, benchmarks.
  static std::unique_ptr<TouchHistory> InMemory();

  // Each member of `users` was sent one more message on `channel` in the
  // hour holding `sent_ms`. In memory until Flush().
  void Record(std::string_view channel, int64_t sent_ms, const Bitmap& users);

  // Users sent at least `max` messages (max >= 1) on `channels` in the
  // window of `window_hours` before `now_ms` (see the top).
  Bitmap AtCap(const ChannelSet& channels, int max, int64_t window_hours, int64_t now_ms) const;
  // Users sent anything on `channels` in the hours from the one holding
  // `since_ms` on.
  Bitmap TouchedSince(const ChannelSet& channels, int64_t since_ms) const;
  // Messages recorded for one user in the window (tests, send-time checks of one user).
  int CountFor(uint32_t user, const ChannelSet& channels, int64_t window_hours, int64_t now_ms) const;

  // Writes the days changed since the last flush. IOError naming the file;
  // what was not written stays pending for the next Flush.
  [[nodiscard]] Status Flush();
  // Forgets (and deletes the files of) the days that end before `before_ms`.
  [[nodiscard]] Status Prune(int64_t before_ms);
  // Clears the history, lets `replay` Record everything again (from the
  // ledgers), then rewrites every day file and deletes the others. When
  // `replay` fails the files are left as they were and its error returned.
  [[nodiscard]] Status RebuildFrom(const std::function<Status(TouchHistory&)>& replay);

 private:
  using Layers = std::vector<Bitmap>;
  using Hour = std::map<std::string, Layers, std::less<>>;
  TouchHistory(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  Status LoadFile(const std::string& name);
  std::string EncodeDay(int64_t day) const;
  std::string FileFor(int64_t day) const;
  void RecordLocked(std::string_view channel, int64_t hour, const Bitmap& users);

  Env* env_;         // null: in memory only
  std::string dir_;  // DIR/outreach/touches
  mutable std::shared_mutex mu_;
  std::map<int64_t, Hour> hours_;  // by Unix hour
  std::set<int64_t> dirty_days_;   // Unix days (UTC) changed since the last flush
};

}  // namespace tagloop::outreach
