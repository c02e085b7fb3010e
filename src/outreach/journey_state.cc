#include "outreach/journey_state.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace tagloop::outreach {
namespace {

using Json = nlohmann::json;

constexpr char kMagic[8] = {'T', 'L', 'J', 'S', 'T', 'A', 'T', 'E'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 16;
// Record: u32 checksum (of the rest), u32 size (whole record), u32 header
// length, header JSON, the portable Roaring bitmap (may be empty).
constexpr size_t kRecordFixed = 12;
constexpr size_t kMaxRecord = size_t{1} << 31;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kTriggerKeepMs = kDayMs;
constexpr uint64_t kBulkGroup = 50'000;

uint32_t Checksum(const char* p, size_t n) { return static_cast<uint32_t>(XXH3_64bits(p, n)); }

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void Append(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string FileHeader() {
  std::string h(kMagic, sizeof kMagic);
  Append<uint32_t>(h, kFormatVersion);
  Append<uint32_t>(h, 0);
  return h;
}

std::string Encode(const Json& header, const roaring_bitmap_t* members) {
  const std::string head = header.dump();
  std::string bits;
  if (members != nullptr) {
    bits.resize(roaring_bitmap_portable_size_in_bytes(members));
    roaring_bitmap_portable_serialize(members, bits.data());
  }
  std::string out;
  const size_t size = kRecordFixed + head.size() + bits.size();
  out.reserve(size);
  Append<uint32_t>(out, 0);
  Append<uint32_t>(out, static_cast<uint32_t>(size));
  Append<uint32_t>(out, static_cast<uint32_t>(head.size()));
  out += head;
  out += bits;
  const uint32_t sum = Checksum(out.data() + 4, out.size() - 4);
  std::memcpy(out.data(), &sum, 4);
  return out;
}

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  const char* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

GroupPlace PlaceOf(const Json& h) {
  GroupPlace p;
  p.version = h.value("v", int64_t{1});
  p.step = h.value("s", std::string());
  p.occurrence = h.value("o", uint32_t{0});
  p.wake_ms = h.value("w", int64_t{0});
  return p;
}

void PutPlace(Json& h, const GroupPlace& p) {
  h["v"] = p.version;
  h["s"] = p.step;
  h["o"] = p.occurrence;
  h["w"] = p.wake_ms;
}

int64_t DayOf(int64_t ms) { return ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs; }

}  // namespace

// A flat open-addressing map user -> group id (linear probing, backward-shift
// deletion): 8 bytes a slot, kept at most 70 % full.
class JourneyState::UserIndex {
 public:
  void Put(uint32_t user, uint32_t group) {
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    size_t i = Slot(user);
    while (slots_[i].group != 0 && slots_[i].user != user) i = (i + 1) & mask_;
    if (slots_[i].group == 0) ++size_;
    slots_[i] = {user, group};
  }
  uint32_t Get(uint32_t user) const {
    if (slots_.empty()) return 0;
    for (size_t i = Slot(user);; i = (i + 1) & mask_) {
      if (slots_[i].group == 0) return 0;
      if (slots_[i].user == user) return slots_[i].group;
    }
  }
  void Erase(uint32_t user) {
    if (slots_.empty()) return;
    size_t i = Slot(user);
    while (true) {
      if (slots_[i].group == 0) return;
      if (slots_[i].user == user) break;
      i = (i + 1) & mask_;
    }
    // Backward shift: move later entries of the run into the hole when their home allows.
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; slots_[j].group != 0; j = (j + 1) & mask_) {
      const size_t home = Slot(slots_[j].user);
      const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = {};
    --size_;
  }
  size_t size() const { return size_; }
  uint64_t bytes() const { return slots_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    uint32_t user = 0;
    uint32_t group = 0;  // 0 = empty
  };
  size_t Slot(uint32_t user) const {
    return static_cast<size_t>((uint64_t{user} * 0x9E3779B97F4A7C15ull) >> 20) & mask_;
  }
  void Grow() {
    std::vector<Entry> old;
    old.swap(slots_);
    const size_t n = old.empty() ? 1024 : old.size() * 2;
    slots_.assign(n, Entry{});
    mask_ = n - 1;
    size_ = 0;
    for (const Entry& e : old) {
      if (e.group != 0) Put(e.user, e.group);
    }
  }
  std::vector<Entry> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

JourneyState::~JourneyState() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<JourneyState>> JourneyState::Open(const std::string& path, JourneyStateOptions options) {
  if (options.env == nullptr) options.env = Env::Default();
  std::unique_ptr<JourneyState> s(new JourneyState());
  s->path_ = path;
  s->options_ = options;
  s->index_ = std::make_unique<UserIndex>();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (options.read_only) {
    TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, options.env->ReadFile(path));
    if (bytes.size() < kHeaderSize || bytes.compare(0, sizeof kMagic, kMagic, sizeof kMagic) != 0) {
      return Status::Corruption(fmt::format("{}: not a journey state file (bad header)", path));
    }
    uint64_t valid_end = kHeaderSize;
    TAGLOOP_RETURN_IF_ERROR(s->Replay(bytes, &valid_end));  // a record being written is a torn tail: left alone
    s->file_bytes_ = valid_end;
    s->broken_ = Status::FailedPrecondition(fmt::format("{} is open read-only", path));
    return s;
  }
  TAGLOOP_RETURN_IF_ERROR(options.env->CreateDirs(dir));
  if (!options.env->FileExists(path)) {
    TAGLOOP_RETURN_IF_ERROR(options.env->WriteFileAtomic(path, FileHeader()));
    TAGLOOP_RETURN_IF_ERROR(options.env->SyncDir(dir));
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, options.env->ReadFile(path));
  if (bytes.size() < kHeaderSize || bytes.compare(0, sizeof kMagic, kMagic, sizeof kMagic) != 0) {
    return Status::Corruption(fmt::format("{}: not a journey state file (bad header)", path));
  }
  uint64_t valid_end = kHeaderSize;
  TAGLOOP_RETURN_IF_ERROR(s->Replay(bytes, &valid_end));
  s->fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (s->fd_ < 0) return Errno("cannot open", path);
  if (valid_end < bytes.size()) {
    s->cut_bytes_ = bytes.size() - valid_end;
    if (::ftruncate(s->fd_, static_cast<off_t>(valid_end)) != 0) return Errno("cannot cut the torn tail of", path);
    if (::fdatasync(s->fd_) != 0) return Errno("cannot sync", path);
  }
  s->file_bytes_ = valid_end;
  return s;
}

Status JourneyState::Replay(std::string_view bytes, uint64_t* valid_end) {
  size_t pos = kHeaderSize;
  std::lock_guard lock(mu_);
  while (pos + kRecordFixed <= bytes.size()) {
    const char* p = bytes.data() + pos;
    const uint32_t size = Load<uint32_t>(p + 4);
    const uint32_t head_len = Load<uint32_t>(p + 8);
    if (size < kRecordFixed || size > kMaxRecord || pos + size > bytes.size() || kRecordFixed + head_len > size) break;
    if (Load<uint32_t>(p) != Checksum(p + 4, size - 4)) break;
    Json header = Json::parse(std::string_view(p + kRecordFixed, head_len), nullptr, false);
    if (header.is_discarded() || !header.is_object()) break;
    const size_t bits_len = size - kRecordFixed - head_len;
    Bitmap members;
    if (bits_len > 0) {
      roaring_bitmap_t* r = roaring_bitmap_portable_deserialize_safe(p + kRecordFixed + head_len, bits_len);
      if (r == nullptr) break;
      members = Bitmap(r);
    }
    Status st = ApplyLocked(header, bits_len > 0 ? members.get() : nullptr);
    if (!st.ok()) return Status::Corruption(fmt::format("{} at byte {}: {}", path_, pos, st.message()));
    pos += size;
  }
  *valid_end = pos;
  return Status::Ok();
}

void JourneyState::RemoveFromGroupLocked(JourneyGroup& g, const roaring_bitmap_t* users) {
  Bitmap gone = Bitmap::And(g.members.get(), users);
  g.members.AndNotWith(gone.get());
  if (bulk_.count(g.id)) {
    bulk_inside_ -= gone.cardinality();
    return;
  }
  for (uint32_t u : gone.ToVector()) {
    if (index_->Get(u) == g.id) index_->Erase(u);
  }
}

void JourneyState::IndexLocked(uint32_t id, bool made, const roaring_bitmap_t* who) {
  const uint64_t n = roaring_bitmap_get_cardinality(who);
  // A group made by a big arrival (a scheduled run, a timer of many) is
  // looked up by its bitmap, not indexed per user: ~2 bytes a user instead of ~16.
  if (made && n >= kBulkGroup) bulk_.insert(id);
  if (bulk_.count(id)) {
    bulk_inside_ += n;
    return;
  }
  roaring_uint32_iterator_t it;
  roaring_init_iterator(who, &it);
  for (bool ok = it.has_value; ok; ok = roaring_advance_uint32_iterator(&it)) index_->Put(it.current_value, id);
}

void JourneyState::DropIfEmptyLocked(uint32_t id) {
  auto it = groups_.find(id);
  if (it == groups_.end() || !it->second.members.empty()) return;
  timers_.erase({it->second.place.wake_ms, id});
  bulk_.erase(id);
  groups_.erase(it);
}

Status JourneyState::ApplyLocked(const Json& h, const roaring_bitmap_t* members) {
  const std::string op = h.value("op", std::string());
  const int64_t t = h.value("t", int64_t{0});
  static const Bitmap kEmpty;
  const roaring_bitmap_t* users = members != nullptr ? members : kEmpty.get();
  auto arrive = [&](uint32_t id, const GroupPlace& place, const roaring_bitmap_t* who) {
    auto [it, made] = groups_.try_emplace(id);
    JourneyGroup& g = it->second;
    if (made) {
      g.id = id;
      g.place = place;
      g.since_ms = t;
      if (place.wake_ms > 0) timers_.insert({place.wake_ms, id});
    }
    g.members.OrWith(who);
    IndexLocked(id, made, who);
    if (id >= next_group_) next_group_ = id + 1;
    reached_[place.step].OrWith(who);
    tallies_[place.step].entered += roaring_bitmap_get_cardinality(who);
  };
  // Steps passed without stopping: reached and entered there.
  auto pass = [&](const roaring_bitmap_t* who) {
    if (!h.contains("via")) return;
    const uint64_t n = roaring_bitmap_get_cardinality(who);
    for (const Json& step : h["via"]) {
      const std::string name = step.get<std::string>();
      reached_[name].OrWith(who);
      tallies_[name].entered += n;
    }
  };
  auto tally = [&](const std::string& step) {
    if (!h.contains("tally")) return;
    StepTally& st = tallies_[step];
    const Json& x = h["tally"];
    st.sent += x.value("sent", uint64_t{0});
    st.failed += x.value("failed", uint64_t{0});
    st.suppressed += x.value("suppressed", uint64_t{0});
  };
  auto count_entry = [&](const roaring_bitmap_t* who) {
    // Layered counters: layer k holds the users who entered more than k times.
    Bitmap carry = Bitmap::Copy(who);
    for (size_t k = 0; !carry.empty(); ++k) {
      if (k == entry_layers_.size()) {
        entry_layers_.push_back(std::move(carry));
        break;
      }
      Bitmap already = Bitmap::And(carry.get(), entry_layers_[k].get());
      entry_layers_[k].OrWith(carry.get());
      carry = std::move(already);
    }
    entered_by_day_[DayOf(t)].OrWith(who);
    entered_total_ += roaring_bitmap_get_cardinality(who);
  };
  if (op == "enter") {
    count_entry(users);
    pass(users);
    arrive(h.at("g").get<uint32_t>(), PlaceOf(h), users);
  } else if (op == "hold") {
    count_entry(users);
    held_out_.OrWith(users);
    reached_["control"].OrWith(users);
    tallies_["control"].entered += roaring_bitmap_get_cardinality(users);
  } else if (op == "move" || op == "leave") {
    const uint32_t from = h.at("from").get<uint32_t>();
    auto it = groups_.find(from);
    if (it == groups_.end()) return Status::Corruption(fmt::format("{} of group {} that does not exist", op, from));
    const std::string from_step = it->second.place.step;
    Bitmap moving = Bitmap::And(it->second.members.get(), users);
    RemoveFromGroupLocked(it->second, moving.get());
    DropIfEmptyLocked(from);
    tally(from_step);
    pass(moving.get());
    if (op == "move") {
      arrive(h.at("g").get<uint32_t>(), PlaceOf(h), moving.get());
    } else {
      const std::string reason = h.value("r", std::string("completed"));
      const bool via = h.contains("via") && !h["via"].empty();
      StepTally& st = tallies_[via ? h["via"].back().get<std::string>() : from_step];
      const uint64_t n = moving.cardinality();
      st.exited += n;
      st.exit_reasons[reason] += n;
      if (reason == "converted") st.converted += n;
    }
  } else if (op == "trig") {
    for (const Json& x : h.at("trig")) {
      const uint64_t hash = x.get<uint64_t>();
      if (triggers_.insert(hash).second) triggers_by_minute_[t / 60'000].push_back(hash);
    }
    while (!triggers_by_minute_.empty() && triggers_by_minute_.begin()->first * 60'000 < t - kTriggerKeepMs) {
      for (uint64_t x : triggers_by_minute_.begin()->second) triggers_.erase(x);
      triggers_by_minute_.erase(triggers_by_minute_.begin());
    }
  } else if (op == "events") {
    events_taken_until_ = std::max(events_taken_until_, h.value("until", int64_t{0}));
  } else if (op == "group") {  // compaction: a live group
    const uint32_t id = h.at("g").get<uint32_t>();
    JourneyGroup& g = groups_[id];
    g.id = id;
    g.place = PlaceOf(h);
    g.since_ms = t;
    g.members = Bitmap::Copy(users);
    IndexLocked(id, true, users);
    if (g.place.wake_ms > 0) timers_.insert({g.place.wake_ms, id});
    if (id >= next_group_) next_group_ = id + 1;
  } else if (op == "layer") {
    entry_layers_.push_back(Bitmap::Copy(users));
  } else if (op == "day") {
    entered_by_day_[h.at("d").get<int64_t>()] = Bitmap::Copy(users);
  } else if (op == "reached") {
    reached_[h.at("s").get<std::string>()] = Bitmap::Copy(users);
  } else if (op == "held") {
    held_out_ = Bitmap::Copy(users);
  } else if (op == "book") {
    next_group_ = std::max(next_group_, h.value("next_group", uint32_t{1}));
    entered_total_ = h.value("entered_total", uint64_t{0});
    events_taken_until_ = h.value("events_until", int64_t{0});
    for (const auto& [step, x] : h.at("tallies").items()) {
      StepTally& st = tallies_[step];
      st.entered = x.value("entered", uint64_t{0});
      st.sent = x.value("sent", uint64_t{0});
      st.failed = x.value("failed", uint64_t{0});
      st.suppressed = x.value("suppressed", uint64_t{0});
      st.converted = x.value("converted", uint64_t{0});
      st.exited = x.value("exited", uint64_t{0});
      st.exit_reasons = x.value("reasons", std::map<std::string, uint64_t>{});
    }
    for (const auto& [minute, hashes] : h.at("triggers").items()) {
      for (const Json& x : hashes) {
        triggers_.insert(x.get<uint64_t>());
        triggers_by_minute_[std::stoll(minute)].push_back(x.get<uint64_t>());
      }
    }
  } else {
    return Status::Corruption(fmt::format("unknown record '{}'", op));
  }
  return Status::Ok();
}

void JourneyState::RecordLocked(Json header, const roaring_bitmap_t* members) {
  (void)ApplyLocked(header, members);  // only replay can meet a bad record
  buffer_ += Encode(header, members);
}

uint32_t JourneyState::FindJoinableLocked(const GroupPlace& place) const {
  if (place.wake_ms == 0) return 0;
  for (auto it = timers_.lower_bound({place.wake_ms, 0}); it != timers_.end() && it->first == place.wake_ms; ++it) {
    const JourneyGroup& g = groups_.at(it->second);
    if (g.place == place) return g.id;
  }
  return 0;
}

uint32_t JourneyState::Enter(const Bitmap& users, const GroupPlace& to, int64_t now_ms, bool join,
                             const std::vector<std::string>& via) {
  std::lock_guard lock(mu_);
  if (users.empty()) return 0;
  uint32_t id = join ? FindJoinableLocked(to) : 0;
  if (id == 0) id = next_group_++;
  Json h = {{"op", "enter"}, {"g", id}, {"t", now_ms}};
  PutPlace(h, to);
  if (!via.empty()) h["via"] = via;
  RecordLocked(std::move(h), users.get());
  return id;
}

uint32_t JourneyState::Move(uint32_t from, const Bitmap& users, const GroupPlace& to, int64_t now_ms, bool join,
                            const Json& tally, const std::vector<std::string>& via) {
  std::lock_guard lock(mu_);
  if (!groups_.count(from)) return 0;
  uint32_t id = join ? FindJoinableLocked(to) : 0;
  if (id == from) id = 0;
  if (id == 0) id = next_group_++;
  Json h = {{"op", "move"}, {"from", from}, {"g", id}, {"t", now_ms}};
  PutPlace(h, to);
  if (!tally.is_null()) h["tally"] = tally;
  if (!via.empty()) h["via"] = via;
  RecordLocked(std::move(h), users.get());
  return id;
}

void JourneyState::Leave(uint32_t from, const Bitmap& users, std::string_view reason, int64_t now_ms,
                         const Json& tally, const std::vector<std::string>& via) {
  std::lock_guard lock(mu_);
  if (!groups_.count(from)) return;
  Json h = {{"op", "leave"}, {"from", from}, {"r", reason}, {"t", now_ms}};
  if (!tally.is_null()) h["tally"] = tally;
  if (!via.empty()) h["via"] = via;
  RecordLocked(std::move(h), users.get());
}

void JourneyState::HoldOut(const Bitmap& users, uint32_t occurrence, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (users.empty()) return;
  RecordLocked({{"op", "hold"}, {"o", occurrence}, {"t", now_ms}}, users.get());
}

void JourneyState::NoteTriggers(std::vector<uint64_t> hashes, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (hashes.empty()) return;
  RecordLocked({{"op", "trig"}, {"trig", std::move(hashes)}, {"t", now_ms}}, nullptr);
}

void JourneyState::SetEventsTakenUntil(int64_t ms) {
  std::lock_guard lock(mu_);
  if (ms <= events_taken_until_) return;
  RecordLocked({{"op", "events"}, {"until", ms}}, nullptr);
}

Status JourneyState::Commit() {
  std::lock_guard lock(mu_);
  if (buffer_.empty()) return broken_.ok() || options_.read_only ? Status::Ok() : broken_;
  if (!broken_.ok()) return broken_;
  Status st = WriteAll(fd_, buffer_, path_);
  if (st.ok() && options_.sync && ::fdatasync(fd_) != 0) st = Errno("cannot sync", path_);
  if (!st.ok()) {
    broken_ = st;
    return st;
  }
  file_bytes_ += buffer_.size();
  buffer_.clear();
  return Status::Ok();
}

std::optional<JourneyGroup> JourneyState::Group(uint32_t id) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(id);
  if (it == groups_.end()) return std::nullopt;
  JourneyGroup g;
  g.id = id;
  g.place = it->second.place;
  g.since_ms = it->second.since_ms;
  g.members = Bitmap::Copy(it->second.members.get());
  return g;
}

std::vector<uint32_t> JourneyState::GroupsAt(std::string_view step) const {
  std::lock_guard lock(mu_);
  std::vector<uint32_t> out;
  for (const auto& [id, g] : groups_) {
    if (g.place.step == step) out.push_back(id);
  }
  return out;
}

std::vector<uint32_t> JourneyState::AllGroups() const {
  std::lock_guard lock(mu_);
  std::vector<uint32_t> out;
  for (const auto& [id, g] : groups_) out.push_back(id);
  return out;
}

std::vector<uint32_t> JourneyState::Untimed() const {
  std::lock_guard lock(mu_);
  std::vector<uint32_t> out;
  for (const auto& [id, g] : groups_) {
    if (g.place.wake_ms == 0) out.push_back(id);
  }
  return out;
}

bool JourneyState::EnteredEver(uint32_t user) const {
  std::lock_guard lock(mu_);
  return !entry_layers_.empty() && entry_layers_[0].Contains(user);
}

bool JourneyState::EnteredSince(uint32_t user, int64_t since_ms) const {
  std::lock_guard lock(mu_);
  for (auto it = entered_by_day_.lower_bound(DayOf(since_ms)); it != entered_by_day_.end(); ++it) {
    if (it->second.Contains(user)) return true;
  }
  return false;
}

std::vector<uint32_t> JourneyState::DueGroups(int64_t now_ms) const {
  std::lock_guard lock(mu_);
  std::vector<uint32_t> out;
  for (auto it = timers_.begin(); it != timers_.end() && it->first <= now_ms; ++it) out.push_back(it->second);
  return out;
}

int64_t JourneyState::NextWakeMs() const {
  std::lock_guard lock(mu_);
  return timers_.empty() ? 0 : timers_.begin()->first;
}

std::optional<uint32_t> JourneyState::GroupOf(uint32_t user) const {
  std::lock_guard lock(mu_);
  const uint32_t g = index_->Get(user);
  if (g != 0) return g;
  for (uint32_t b : bulk_) {
    if (groups_.at(b).members.Contains(user)) return b;
  }
  return std::nullopt;
}

uint32_t JourneyState::Occurrences(uint32_t user) const {
  std::lock_guard lock(mu_);
  uint32_t n = 0;
  while (n < entry_layers_.size() && entry_layers_[n].Contains(user)) ++n;
  return n;
}

std::map<uint32_t, Bitmap> JourneyState::ByOccurrence(const Bitmap& users) const {
  std::lock_guard lock(mu_);
  std::map<uint32_t, Bitmap> out;
  // Nested layers: occurrence k = in layer k-1 (or k = 0) and not in layer k.
  Bitmap rest = Bitmap::Copy(users.get());
  for (size_t k = 0; !rest.empty(); ++k) {
    if (k == entry_layers_.size()) {
      out.emplace(static_cast<uint32_t>(k), std::move(rest));
      break;
    }
    Bitmap here = Bitmap::AndNot(rest.get(), entry_layers_[k].get());
    if (!here.empty()) out.emplace(static_cast<uint32_t>(k), std::move(here));
    rest.AndWith(entry_layers_[k].get());
  }
  return out;
}

Bitmap JourneyState::EnteredSince(int64_t since_ms) const {
  std::lock_guard lock(mu_);
  std::vector<const roaring_bitmap_t*> days;
  for (auto it = entered_by_day_.lower_bound(DayOf(since_ms)); it != entered_by_day_.end(); ++it) {
    days.push_back(it->second.get());
  }
  return Bitmap::OrMany(days);
}

bool JourneyState::SeenTrigger(uint64_t event_hash) const {
  std::lock_guard lock(mu_);
  return triggers_.count(event_hash) > 0;
}

Bitmap JourneyState::Inside() const {
  std::lock_guard lock(mu_);
  std::vector<const roaring_bitmap_t*> all;
  for (const auto& [id, g] : groups_) all.push_back(g.members.get());
  return Bitmap::OrMany(all);
}

uint64_t JourneyState::InsideCount() const {
  std::lock_guard lock(mu_);
  return index_->size() + bulk_inside_;
}

Bitmap JourneyState::EverEntered() const {
  std::lock_guard lock(mu_);
  return entry_layers_.empty() ? Bitmap() : Bitmap::Copy(entry_layers_[0].get());
}

Bitmap JourneyState::Reached(std::string_view step) const {
  std::lock_guard lock(mu_);
  auto it = reached_.find(step);
  return it == reached_.end() ? Bitmap() : Bitmap::Copy(it->second.get());
}

Bitmap JourneyState::HeldOut() const {
  std::lock_guard lock(mu_);
  return Bitmap::Copy(held_out_.get());
}

std::map<std::string, StepTally> JourneyState::Tallies() const {
  std::lock_guard lock(mu_);
  return {tallies_.begin(), tallies_.end()};
}

uint64_t JourneyState::EnteredTotal() const {
  std::lock_guard lock(mu_);
  return entered_total_;
}

int64_t JourneyState::events_taken_until() const {
  std::lock_guard lock(mu_);
  return events_taken_until_;
}

std::map<int64_t, uint64_t> JourneyState::InsideByVersion() const {
  std::lock_guard lock(mu_);
  std::map<int64_t, uint64_t> out;
  for (const auto& [id, g] : groups_) out[g.place.version] += g.members.cardinality();
  return out;
}

uint64_t JourneyState::file_bytes() const {
  std::lock_guard lock(mu_);
  return file_bytes_;
}

uint64_t JourneyState::MemoryBytes() const {
  std::lock_guard lock(mu_);
  uint64_t n = index_->bytes();
  auto add = [&](const Bitmap& b) { n += roaring_bitmap_size_in_bytes(b.get()); };
  for (const auto& [id, g] : groups_) add(g.members);
  for (const Bitmap& b : entry_layers_) add(b);
  for (const auto& [d, b] : entered_by_day_) add(b);
  for (const auto& [s, b] : reached_) add(b);
  add(held_out_);
  n += triggers_.size() * 24;
  return n;
}

std::string JourneyState::SnapshotLocked() const {
  std::string out = FileHeader();
  Json tallies = Json::object();
  for (const auto& [step, st] : tallies_) {
    tallies[step] = {{"entered", st.entered},     {"sent", st.sent},         {"failed", st.failed},
                     {"suppressed", st.suppressed}, {"converted", st.converted}, {"exited", st.exited},
                     {"reasons", st.exit_reasons}};
  }
  Json triggers = Json::object();
  for (const auto& [minute, hashes] : triggers_by_minute_) triggers[std::to_string(minute)] = hashes;
  out += Encode({{"op", "book"},
                 {"next_group", next_group_},
                 {"entered_total", entered_total_},
                 {"events_until", events_taken_until_},
                 {"tallies", std::move(tallies)},
                 {"triggers", std::move(triggers)}},
                nullptr);
  for (const Bitmap& b : entry_layers_) out += Encode({{"op", "layer"}}, b.get());
  for (const auto& [day, b] : entered_by_day_) out += Encode({{"op", "day"}, {"d", day}}, b.get());
  for (const auto& [step, b] : reached_) out += Encode({{"op", "reached"}, {"s", step}}, b.get());
  if (!held_out_.empty()) out += Encode({{"op", "held"}}, held_out_.get());
  for (const auto& [id, g] : groups_) {
    Json h = {{"op", "group"}, {"g", id}, {"t", g.since_ms}};
    PutPlace(h, g.place);
    out += Encode(h, g.members.get());
  }
  return out;
}

Status JourneyState::Compact() {
  std::lock_guard lock(mu_);
  if (!broken_.ok()) return broken_;
  if (!buffer_.empty()) return Status::FailedPrecondition("commit before compacting the journey state");
  const std::string bytes = SnapshotLocked();
  TAGLOOP_RETURN_IF_ERROR(options_.env->WriteFileAtomic(path_, bytes));
  TAGLOOP_RETURN_IF_ERROR(options_.env->SyncDir(std::filesystem::path(path_).parent_path().string()));
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    broken_ = Errno("cannot reopen", path_);
    return broken_;
  }
  ::close(fd_);
  fd_ = fd;
  file_bytes_ = bytes.size();
  return Status::Ok();
}

Result<bool> JourneyState::CompactIfLarge() {
  uint64_t fresh = 0;
  {
    std::lock_guard lock(mu_);
    if (file_bytes_ < (uint64_t{1} << 20)) return false;
    fresh = SnapshotLocked().size();
    if (file_bytes_ <= 2 * fresh + (uint64_t{1} << 20)) return false;
  }
  TAGLOOP_RETURN_IF_ERROR(Compact());
  return true;
}

}  // namespace tagloop::outreach
