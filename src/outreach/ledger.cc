#include "outreach/ledger.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include <fmt/format.h>

namespace tagloop::outreach {
namespace {

constexpr char kMagic[8] = {'T', 'L', 'L', 'E', 'D', 'G', 'E', 'R'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 16;
constexpr size_t kRecordHeader = 36;

uint32_t Checksum(const char* p, size_t n) { return static_cast<uint32_t>(XXH3_64bits(p, n)); }

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void Store(char* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// A record as read, its strings pointing into the file's bytes.
struct RecordView {
  uint32_t user, occurrence;
  DeliveryState state;
  uint16_t attempt;
  int64_t time_ms, next_ms;
  std::string_view step, detail;
};

// Calls fn(view) for each valid record after the header; returns the end of
// the valid prefix. Bounded: every length is checked before it is used.
template <typename Fn>
uint64_t ForEachRecord(std::string_view bytes, Fn&& fn) {
  size_t pos = kHeaderSize;
  while (pos + kRecordHeader <= bytes.size()) {
    const char* p = bytes.data() + pos;
    const uint16_t size = Load<uint16_t>(p + 4);
    const uint8_t state = static_cast<uint8_t>(p[6]);
    const uint8_t step_len = static_cast<uint8_t>(p[7]);
    const uint16_t detail_len = Load<uint16_t>(p + 18);
    if (size < kRecordHeader || pos + size > bytes.size()) break;
    if (kRecordHeader + step_len + detail_len != size) break;
    if (state < 1 || state > 5) break;
    if (Load<uint32_t>(p) != Checksum(p + 4, size - 4)) break;
    RecordView v;
    v.user = Load<uint32_t>(p + 8);
    v.occurrence = Load<uint32_t>(p + 12);
    v.state = static_cast<DeliveryState>(state);
    v.attempt = Load<uint16_t>(p + 16);
    v.time_ms = Load<int64_t>(p + 20);
    v.next_ms = Load<int64_t>(p + 28);
    v.step = std::string_view(p + kRecordHeader, step_len);
    v.detail = std::string_view(p + kRecordHeader + step_len, detail_len);
    fn(v);
    pos += size;
  }
  return pos;
}

Status CheckHeader(std::string_view bytes) {
  const std::string want = LedgerFileHeader();
  if (bytes.size() < kHeaderSize || bytes.substr(0, kHeaderSize) != want) {
    return Status::Corruption("not a delivery ledger (bad file header)");
  }
  return Status::Ok();
}

Status Errno(const char* what, const std::string& path) {
  return Status::IOError(fmt::format("{} '{}': {}", what, path, std::strerror(errno)));
}

Status WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(fmt::format("cannot write the ledger: {}", std::strerror(errno)));
    }
    p += w, n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

}  // namespace

bool IsFinal(DeliveryState s) {
  return s == DeliveryState::kSent || s == DeliveryState::kFailed || s == DeliveryState::kDead ||
         s == DeliveryState::kSuppressed;
}

const char* DeliveryStateName(DeliveryState s) {
  switch (s) {
    case DeliveryState::kPending: return "pending";
    case DeliveryState::kSent: return "sent";
    case DeliveryState::kFailed: return "failed";
    case DeliveryState::kRetry: return "retry";
    case DeliveryState::kDead: return "dead";
    case DeliveryState::kSuppressed: return "suppressed";
  }
  return "?";
}

std::string LedgerFileHeader() {
  std::string h(kHeaderSize, '\0');
  std::memcpy(h.data(), kMagic, 8);
  Store<uint32_t>(h.data() + 8, kFormatVersion);
  Store<uint32_t>(h.data() + 12, Checksum(h.data(), 12));
  return h;
}

std::string EncodeLedgerRecord(const LedgerRecord& r) {
  const size_t detail_len = std::min(r.detail.size(), kMaxLedgerDetail);
  const size_t size = kRecordHeader + r.step.size() + detail_len;
  std::string out(size, '\0');
  char* p = out.data();
  Store<uint16_t>(p + 4, static_cast<uint16_t>(size));
  p[6] = static_cast<char>(r.state);
  p[7] = static_cast<char>(r.step.size());
  Store<uint32_t>(p + 8, r.user);
  Store<uint32_t>(p + 12, r.occurrence);
  Store<uint16_t>(p + 16, r.attempt);
  Store<uint16_t>(p + 18, static_cast<uint16_t>(detail_len));
  Store<int64_t>(p + 20, r.time_ms);
  Store<int64_t>(p + 28, r.next_ms);
  std::memcpy(p + kRecordHeader, r.step.data(), r.step.size());
  std::memcpy(p + kRecordHeader + r.step.size(), r.detail.data(), detail_len);
  Store<uint32_t>(p, Checksum(p + 4, size - 4));
  return out;
}

Result<std::vector<LedgerRecord>> DecodeLedger(std::string_view bytes, uint64_t* valid_end) {
  TAGLOOP_RETURN_IF_ERROR(CheckHeader(bytes));
  std::vector<LedgerRecord> out;
  *valid_end = ForEachRecord(bytes, [&](const RecordView& v) {
    out.push_back(LedgerRecord{v.user, std::string(v.step), v.occurrence, v.state, v.attempt, v.time_ms, v.next_ms,
                               std::string(v.detail)});
  });
  return out;
}

// Each recipient's last state, keyed by (step index, occurrence, user) packed
// into 64 bits: an open-addressing table with linear probing (a replay of 1M
// records inserts without a node allocation each).
class Ledger::Index {
 public:
  struct Slot {
    uint64_t key = kEmpty;
    LedgerEntry entry;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  static uint64_t Key(int step, uint32_t occurrence, uint32_t user) {
    return (uint64_t(uint32_t(step)) << 48) | (uint64_t(occurrence) << 32) | user;
  }
  LedgerEntry* Find(uint64_t key) {
    if (slots_.empty()) return nullptr;
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].entry;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  LedgerEntry& Upsert(uint64_t key) {
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    size_t i = Hash(key) & mask_;
    for (; slots_[i].key != kEmpty; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return slots_[i].entry;
    }
    slots_[i].key = key;
    ++size_;
    return slots_[i].entry;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.key != kEmpty) fn(s.key, s.entry);
    }
  }

 private:
  static size_t Hash(uint64_t k) { return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> 20); }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key != kEmpty) Upsert(s.key) = s.entry;
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

Ledger::~Ledger() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path, LedgerOptions options) {
  if (options.env == nullptr) options.env = Env::Default();
  Env* env = options.env;
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->path_ = path;
  ledger->options_ = options;
  ledger->index_ = std::make_unique<Index>();
  const std::string dir = std::filesystem::path(path).parent_path().string();

  // A file shorter than its header was torn while being created: start again.
  bool create = !env->FileExists(path);
  if (!create) {
    TAGLOOP_ASSIGN_OR_RETURN(uint64_t size, env->FileSize(path));
    create = size < kHeaderSize;
  }
  if (create) {
    // The file, its folder and the folder's own entry (a campaign's folder
    // is usually new with its first ledger) are synced before any record.
    const bool new_dir = !dir.empty() && !env->FileExists(dir);
    if (!dir.empty()) TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(dir));
    TAGLOOP_RETURN_IF_ERROR(env->WriteFileDurable(path, LedgerFileHeader()));
    if (!dir.empty()) TAGLOOP_RETURN_IF_ERROR(env->SyncDir(dir));
    const std::string parent = std::filesystem::path(dir).parent_path().string();
    if (new_dir && !parent.empty()) TAGLOOP_RETURN_IF_ERROR(env->SyncDir(parent));
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> map, env->MapFile(path));
    std::string_view bytes(map->data(), map->size());
    uint64_t valid_end = 0;
    TAGLOOP_RETURN_IF_ERROR(ledger->Replay(bytes, &valid_end).WithPrefix(path));
    ledger->cut_bytes_ = bytes.size() - valid_end;
    if (ledger->cut_bytes_ > 0) {
      // Cut the torn tail so new records follow the valid prefix.
      if (::truncate(path.c_str(), static_cast<off_t>(valid_end)) != 0) return Errno("cannot truncate", path);
    }
  }
  ledger->fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (ledger->fd_ < 0) return Errno("cannot open", path);
  if (ledger->cut_bytes_ > 0 && ::fdatasync(ledger->fd_) != 0) return Errno("cannot sync", path);
  return ledger;
}

Status Ledger::Replay(std::string_view bytes, uint64_t* valid_end) {
  TAGLOOP_RETURN_IF_ERROR(CheckHeader(bytes));
  std::lock_guard lock(mu_);
  // Records of one step come in runs: remember the last step's index.
  std::string_view last_step;
  int last_index = -1;
  *valid_end = ForEachRecord(bytes, [&](const RecordView& v) {
    if (last_index < 0 || v.step != last_step) {
      last_index = StepIndexLocked(v.step, true);
      last_step = v.step;
    }
    const uint64_t key = Index::Key(last_index, v.occurrence, v.user);
    index_->Upsert(key) = LedgerEntry{v.state, v.attempt, v.time_ms, v.next_ms};
    NoteLocked(key, v.state, v.detail);
    ++replayed_records_;
  });
  return Status::Ok();
}

int Ledger::StepIndexLocked(std::string_view step, bool add) {
  for (size_t i = 0; i < steps_.size(); ++i) {
    if (steps_[i] == step) return static_cast<int>(i);
  }
  if (!add) return -1;
  steps_.emplace_back(step);
  return static_cast<int>(steps_.size() - 1);
}

Status Ledger::Append(const LedgerRecord& r) {
  if (r.step.size() > 255) return Status::InvalidArgument("ledger: a step name is at most 255 bytes");
  if (r.occurrence >= 65536) return Status::InvalidArgument("ledger: an occurrence is below 65536");
  if (r.state == DeliveryState::kPending || static_cast<uint8_t>(r.state) > 5) {
    return Status::InvalidArgument("ledger: pending is not a stored state");
  }
  std::lock_guard lock(mu_);
  if (!broken_.ok()) return broken_;
  buffer_ += EncodeLedgerRecord(r);
  ++buffered_;
  const uint64_t key = Index::Key(StepIndexLocked(r.step, true), r.occurrence, r.user);
  unindexed_.push_back(Unindexed{key, LedgerEntry{r.state, r.attempt, r.time_ms, r.next_ms},
                                 r.detail.substr(0, std::min(r.detail.size(), kMaxLedgerDetail))});
  return Status::Ok();
}

void Ledger::NoteLocked(uint64_t key, DeliveryState state, std::string_view detail) {
  // A suppression is final and recorded once per recipient: count it by reason.
  if (state == DeliveryState::kSuppressed) ++suppressed_reasons_[key >> 32][std::string(detail)];
  if (state == DeliveryState::kSent) {
    details_.erase(key);
  } else {
    details_[key] = std::string(detail);
  }
}

std::map<std::string, uint64_t> Ledger::SuppressedByReason(std::string_view step, uint32_t occurrence) const {
  std::lock_guard lock(mu_);
  const int s = const_cast<Ledger*>(this)->StepIndexLocked(step, false);
  if (s < 0) return {};
  const auto it = suppressed_reasons_.find(Index::Key(s, occurrence, 0) >> 32);
  return it == suppressed_reasons_.end() ? std::map<std::string, uint64_t>{} : it->second;
}

std::string Ledger::LastDetail(uint32_t user, std::string_view step, uint32_t occurrence) const {
  std::lock_guard lock(mu_);
  const int s = const_cast<Ledger*>(this)->StepIndexLocked(step, false);
  if (s < 0) return {};
  const auto it = details_.find(Index::Key(s, occurrence, user));
  return it == details_.end() ? std::string() : it->second;
}

Status Ledger::Commit() {
  std::lock_guard lock(mu_);
  if (!broken_.ok()) return broken_;
  if (buffer_.empty()) return Status::Ok();
  Status st = WriteAll(fd_, buffer_.data(), buffer_.size());
  if (st.ok() && options_.sync && ::fdatasync(fd_) != 0) st = Errno("cannot sync", path_);
  if (!st.ok()) {
    broken_ = st;
    return st;
  }
  buffer_.clear();
  buffered_ = 0;
  // Durable now: readers may see these records.
  for (const Unindexed& u : unindexed_) {
    index_->Upsert(u.key) = u.entry;
    NoteLocked(u.key, u.entry.state, u.detail);
  }
  unindexed_.clear();
  return Status::Ok();
}

size_t Ledger::uncommitted() const {
  std::lock_guard lock(mu_);
  return buffered_;
}

LedgerEntry Ledger::Lookup(uint32_t user, std::string_view step, uint32_t occurrence) const {
  std::lock_guard lock(mu_);
  int s = const_cast<Ledger*>(this)->StepIndexLocked(step, false);
  if (s < 0) return {};
  const LedgerEntry* e = index_->Find(Index::Key(s, occurrence, user));
  return e ? *e : LedgerEntry{};
}

Bitmap Ledger::Pending(const roaring_bitmap_t* plan, std::string_view step, uint32_t occurrence) const {
  Bitmap done;
  {
    std::lock_guard lock(mu_);
    int s = const_cast<Ledger*>(this)->StepIndexLocked(step, false);
    if (s >= 0) {
      const uint64_t want = Index::Key(s, occurrence, 0);
      std::vector<uint32_t> ids;
      index_->ForEach([&](uint64_t key, const LedgerEntry& e) {
        if ((key >> 32) == (want >> 32) && IsFinal(e.state)) ids.push_back(static_cast<uint32_t>(key));
      });
      done.AddMany(ids);
    }
  }
  return Bitmap::AndNot(plan, done.get());
}

LedgerCounts Ledger::Counts(std::string_view step, uint32_t occurrence) const {
  LedgerCounts c;
  std::lock_guard lock(mu_);
  int s = const_cast<Ledger*>(this)->StepIndexLocked(step, false);
  if (s < 0) return c;
  const uint64_t want = Index::Key(s, occurrence, 0) >> 32;
  index_->ForEach([&](uint64_t key, const LedgerEntry& e) {
    if ((key >> 32) != want) return;
    switch (e.state) {
      case DeliveryState::kSent: ++c.sent; break;
      case DeliveryState::kFailed: ++c.failed; break;
      case DeliveryState::kRetry: ++c.retry; break;
      case DeliveryState::kDead: ++c.dead; break;
      case DeliveryState::kSuppressed: ++c.suppressed; break;
      case DeliveryState::kPending: break;
    }
  });
  return c;
}

Result<std::vector<LedgerRecord>> Ledger::DeadLetters(std::string_view step, uint32_t occurrence) const {
  // The index keeps no error texts: read them from the committed file (a
  // rare, operator-driven listing).
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, options_.env->ReadFile(path_));
  uint64_t end = 0;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<LedgerRecord> all, DecodeLedger(bytes, &end));
  // Each recipient's last record, when it is dead (latest first, then reversed).
  std::vector<LedgerRecord> out;
  std::unordered_set<uint32_t> seen;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->step != step || it->occurrence != occurrence || !seen.insert(it->user).second) continue;
    if (it->state == DeliveryState::kDead) out.push_back(std::move(*it));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<size_t> Ledger::RetryDeadLetters(std::string_view step, uint32_t occurrence, int64_t now_ms) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<LedgerRecord> dead, DeadLetters(step, occurrence));
  for (const LedgerRecord& d : dead) {
    TAGLOOP_RETURN_IF_ERROR(Append(LedgerRecord{d.user, std::string(step), occurrence, DeliveryState::kRetry, 0,
                                                now_ms, now_ms, "operator retry"}));
  }
  TAGLOOP_RETURN_IF_ERROR(Commit());
  return dead.size();
}

}  // namespace tagloop::outreach
