#include "events/event_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "events/event_record.h"
#include "events/id_set.h"

namespace tagloop::events {

struct EventLog::Segment {
  Days day = 0;
  std::string path;
  int fd = -1;                       // opened on the first append (mu_)
  uint64_t written = 0;              // bytes written (mu_)
  std::atomic<uint64_t> durable{0};  // bytes known synced: all Scan reads
  uint64_t events = 0;               // records (mu_)
  bool ids_loaded = false;           // (mu_)
  bool dirty = false;                // listed in dirty_ (mu_)
  IdSet ids;                         // hashes of the logged event_ids (mu_)

  ~Segment() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(fmt::format("{} '{}': {}", what, path, std::strerror(errno)));
}

Status PWriteAll(int fd, const char* p, size_t n, uint64_t offset, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::Ok();
}

Status TruncateDurably(const std::string& path, uint64_t length) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  Status st;
  if (::ftruncate(fd, static_cast<off_t>(length)) != 0) st = Errno("cannot truncate", path);
  if (st.ok() && ::fdatasync(fd) != 0) st = Errno("cannot fdatasync", path);
  ::close(fd);
  return st;
}

uint64_t IdHash(std::string_view id) { return XXH3_64bits(id.data(), id.size()); }

const Days kFirstDay = DaysFromCivil(1, 1, 1);
const Days kLastDay = DaysFromCivil(9999, 12, 31);

}  // namespace

EventLog::EventLog(std::string path, EventLogOptions options) : path_(std::move(path)), options_(options) {}

EventLog::~EventLog() = default;

Days EventLog::BusinessDay(int64_t time_ms) const {
  const int64_t local = time_ms + int64_t{options_.utc_offset_minutes} * 60'000;
  int64_t day = local / 86'400'000;
  if (local % 86'400'000 < 0) --day;
  return static_cast<Days>(std::clamp<int64_t>(day, INT32_MIN, INT32_MAX));
}

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, EventLogOptions options) {
  if (options.utc_offset_minutes < -1439 || options.utc_offset_minutes > 1439) {
    return Status::InvalidArgument(
        fmt::format("event log: utc_offset_minutes {} outside -1439..1439", options.utc_offset_minutes));
  }
  std::unique_ptr<EventLog> log(new EventLog(dir + "/events", options));
  Env* env = options.env;
  TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(log->path_));
  TAGLOOP_ASSIGN_OR_RETURN(log->lock_, env->LockFile(log->path_ + "/LOCK"));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(log->path_));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name.ends_with(".tmp")) {  // a segment whose creation was interrupted
      TAGLOOP_RETURN_IF_ERROR(env->RemoveFile(log->path_ + "/" + name));
      continue;
    }
    if (name.size() != 14 || !name.ends_with(".evl")) continue;
    Result<Days> day = ParseDate(std::string_view(name).substr(0, 10));
    if (!day.ok()) continue;
    TAGLOOP_RETURN_IF_ERROR(log->OpenSegment(name, *day));
  }
  return log;
}

Status EventLog::OpenSegment(const std::string& name, Days day) {
  auto seg = std::make_unique<Segment>();
  seg->day = day;
  seg->path = path_ + "/" + name;
  SegmentCheck check;
  size_t size = 0;
  {
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> map, options_.env->MapFile(seg->path));
    const std::string_view file(map->data(), map->size());
    size = file.size();
    Result<SegmentHeader> header = DecodeSegmentHeader(file);
    if (!header.ok()) return Status::Corruption(fmt::format("{}: {}", seg->path, header.status().message()));
    if (header->day != day) {
      return Status::Corruption(
          fmt::format("{}: the header names day {}", seg->path, FormatDate(header->day)));
    }
    if (header->utc_offset_minutes != options_.utc_offset_minutes) {
      return Status::FailedPrecondition(fmt::format(
          "{}: written with business days at UTC offset {} minutes, opened with {}; keep the offset the log "
          "was written with",
          seg->path, header->utc_offset_minutes, options_.utc_offset_minutes));
    }
    check = CheckSegmentRecords(file);
  }
  if (check.valid_end < size) {
    if (check.valid_after_bad) {
      return Status::Corruption(
          fmt::format("{}: bad record at byte {} followed by valid records", seg->path, check.valid_end));
    }
    TAGLOOP_RETURN_IF_ERROR(TruncateDurably(seg->path, check.valid_end));
    stats_.truncated_segments++;
    stats_.truncated_tail_bytes += size - check.valid_end;
  }
  seg->written = check.valid_end;
  seg->durable.store(check.valid_end);
  seg->events = check.records;
  stats_.segments++;
  stats_.events += check.records;
  stats_.bytes += check.valid_end;
  segments_.emplace(day, std::move(seg));
  return Status::Ok();
}

Result<EventLog::Segment*> EventLog::SegmentFor(Days day) {
  auto it = segments_.find(day);
  if (it == segments_.end()) {
    auto seg = std::make_unique<Segment>();
    seg->day = day;
    seg->path = fmt::format("{}/{}.evl", path_, FormatDate(day));
    // The header is synced before the rename and the folder after it, so a
    // segment file always starts with a whole header.
    TAGLOOP_RETURN_IF_ERROR(
        options_.env->WriteFileAtomic(seg->path, EncodeSegmentHeader({day, options_.utc_offset_minutes})));
    seg->written = kSegmentHeaderBytes;
    seg->durable.store(kSegmentHeaderBytes);
    seg->ids_loaded = true;
    stats_.segments++;
    stats_.bytes += kSegmentHeaderBytes;
    it = segments_.emplace(day, std::move(seg)).first;
  }
  Segment* seg = it->second.get();
  if (seg->fd < 0) {
    seg->fd = ::open(seg->path.c_str(), O_RDWR | O_CLOEXEC);
    if (seg->fd < 0) return Errno("cannot open", seg->path);
  }
  if (!seg->ids_loaded) TAGLOOP_RETURN_IF_ERROR(LoadIds(seg));
  return seg;
}

Status EventLog::LoadIds(Segment* seg) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> map, options_.env->MapFile(seg->path));
  const std::string_view file(map->data(), std::min<uint64_t>(map->size(), seg->written));
  size_t next = 0;
  for (size_t pos = kSegmentHeaderBytes; pos < file.size(); pos = next) {
    std::string_view payload = RecordPayloadAt(file, pos, &next);
    Result<std::string_view> id = payload.empty() ? Status::Corruption("bad record") : DecodeEventId(payload);
    if (!id.ok())
      return Status::Corruption(fmt::format("{}: {} at byte {}", seg->path, id.status().message(), pos));
    seg->ids.Insert(IdHash(*id));
  }
  seg->ids_loaded = true;
  return Status::Ok();
}

Result<AppendResult> EventLog::Append(std::span<const Event> events) {
  const size_t n = events.size();
  AppendResult r;
  r.is_new.assign(n, false);
  if (n == 0) return r;
  if (n > UINT32_MAX) return Status::InvalidArgument("event log: more than 2^32 events in one append");
  // Checks, hashing and encoding happen before taking the lock.
  std::vector<Days> days(n);
  std::vector<uint64_t> hashes(n);
  std::vector<size_t> offsets(n + 1);
  std::string encoded;
  encoded.reserve(n * 192);
  for (size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    if (e.event_id.empty() || e.event_id.size() > 128) {
      return Status::InvalidArgument(fmt::format("events[{}].event_id: must be 1 to 128 bytes", i));
    }
    days[i] = BusinessDay(e.time_ms);
    if (days[i] < kFirstDay || days[i] > kLastDay) {
      return Status::InvalidArgument(fmt::format("events[{}].time: outside years 0001-9999", i));
    }
    hashes[i] = IdHash(e.event_id);
    offsets[i] = encoded.size();
    Status st = AppendEventRecord(e, &encoded);
    if (!st.ok()) return Status::InvalidArgument(fmt::format("events[{}]: {}", i, st.message()));
  }
  offsets[n] = encoded.size();

  struct Target {
    Segment* seg = nullptr;
    uint64_t before = 0;
    std::vector<uint32_t> items;  // new events for this segment, ascending
    bool written = false;
  };
  std::vector<Target> targets;  // a batch usually spans one or two days
  std::unique_lock<std::mutex> lock(mu_);
  if (!failed_.ok()) return failed_;
  auto undo_ids = [&] {
    for (Target& t : targets) {
      for (uint32_t i : t.items) t.seg->ids.Erase(hashes[i]);
    }
  };
  for (size_t i = 0; i < n; ++i) {
    Target* t = nullptr;
    for (Target& c : targets) {
      if (c.seg->day == days[i]) t = &c;
    }
    if (t == nullptr) {
      Result<Segment*> seg = SegmentFor(days[i]);
      if (!seg.ok()) {
        undo_ids();
        return seg.status();
      }
      t = &targets.emplace_back();
      t->seg = *seg;
      t->before = (*seg)->written;
    }
    if (t->seg->ids.Insert(hashes[i])) {
      t->items.push_back(static_cast<uint32_t>(i));
      r.is_new[i] = true;
      r.new_indexes.push_back(static_cast<uint32_t>(i));
    }
  }
  // One segment and nothing duplicate (the usual case): write the encoding as it is.
  const bool direct = targets.size() == 1 && r.new_indexes.size() == n;
  Status st;
  std::string buf;
  for (Target& t : targets) {
    if (t.items.empty()) continue;
    std::string_view bytes = encoded;
    if (!direct) {
      buf.clear();
      for (uint32_t i : t.items) buf.append(encoded, offsets[i], offsets[i + 1] - offsets[i]);
      bytes = buf;
    }
    t.written = true;
    st = PWriteAll(t.seg->fd, bytes.data(), bytes.size(), t.seg->written, t.seg->path);
    if (!st.ok()) break;
    t.seg->written += bytes.size();
  }
  if (!st.ok()) {  // nothing of the batch stays: cut every file back
    for (Target& t : targets) {
      if (!t.written) continue;
      t.seg->written = t.before;
      if (::ftruncate(t.seg->fd, static_cast<off_t>(t.before)) != 0) {
        failed_ = Errno("cannot truncate after a failed write; event log closed for appends:", t.seg->path);
      }
    }
    undo_ids();
    return st;
  }
  for (Target& t : targets) {
    t.seg->events += t.items.size();
    stats_.events += t.items.size();
    stats_.bytes += t.seg->written - t.before;
    if (!options_.sync) {
      t.seg->durable.store(t.seg->written, std::memory_order_release);
    } else if (!t.seg->dirty && !t.items.empty()) {
      t.seg->dirty = true;
      dirty_.push_back(t.seg);
    }
  }
  r.appended = r.new_indexes.size();
  r.duplicates = n - r.appended;
  if (r.appended > 0) {
    r.first_sequence = next_sequence_;
    next_sequence_ += r.appended;
  }
  // Even a batch of duplicates waits: their first copies may still be unsynced.
  const uint64_t ticket = ++write_ticket_;
  lock.unlock();
  if (options_.sync) TAGLOOP_RETURN_IF_ERROR(WaitDurable(ticket));
  return r;
}

Status EventLog::Sync() {
  std::vector<Segment*> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TAGLOOP_RETURN_IF_ERROR(failed_);
    for (auto& [day, seg] : segments_) all.push_back(seg.get());
  }
  for (Segment* seg : all) {
    if (::fdatasync(seg->fd) != 0) return Errno("cannot fdatasync", seg->path);
  }
  return Status::Ok();
}

Status EventLog::WaitDurable(uint64_t ticket) {
  std::unique_lock<std::mutex> sync_lock(sync_mu_);
  for (;;) {
    if (synced_ticket_ >= ticket) return Status::Ok();
    if (!sync_error_.ok()) return sync_error_;
    if (!syncing_) break;
    sync_cv_.wait(sync_lock);
  }
  syncing_ = true;  // this thread leads: it syncs every batch written so far
  sync_lock.unlock();
  std::vector<std::pair<Segment*, uint64_t>> to_sync;
  uint64_t target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    target = write_ticket_;
    for (Segment* seg : dirty_) {
      to_sync.emplace_back(seg, seg->written);
      seg->dirty = false;
    }
    dirty_.clear();
  }
  Status st;
  for (const auto& [seg, length] : to_sync) {
    if (::fdatasync(seg->fd) != 0) {
      st = Errno("cannot fdatasync; event log closed for appends:", seg->path);
      break;
    }
  }
  if (st.ok()) {
    for (const auto& [seg, length] : to_sync) seg->durable.store(length, std::memory_order_release);
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    failed_ = st;
  }
  sync_lock.lock();
  if (st.ok())
    synced_ticket_ = target;
  else
    sync_error_ = st;
  syncing_ = false;
  sync_cv_.notify_all();
  return st;
}

Status EventLog::Scan(Days from, Days to, const std::function<Status(const Event&)>& fn) const {
  std::vector<const Segment*> segs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = segments_.lower_bound(from); it != segments_.end() && it->first <= to; ++it) {
      segs.push_back(it->second.get());
    }
  }
  for (const Segment* seg : segs) {
    const uint64_t durable = seg->durable.load(std::memory_order_acquire);
    if (durable <= kSegmentHeaderBytes) continue;
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> map, options_.env->MapFile(seg->path));
    const std::string_view file(map->data(), std::min<uint64_t>(map->size(), durable));
    size_t next = 0;
    for (size_t pos = kSegmentHeaderBytes; pos < file.size(); pos = next) {
      std::string_view payload = RecordPayloadAt(file, pos, &next);
      Result<Event> e = payload.empty() ? Status::Corruption("bad record") : DecodeEventPayload(payload);
      if (!e.ok())
        return Status::Corruption(fmt::format("{}: {} at byte {}", seg->path, e.status().message(), pos));
      TAGLOOP_RETURN_IF_ERROR(fn(*e));
    }
  }
  return Status::Ok();
}

std::vector<Days> EventLog::days() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Days> out;
  out.reserve(segments_.size());
  for (const auto& [day, seg] : segments_) out.push_back(day);
  return out;
}

EventLogStats EventLog::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace tagloop::events
