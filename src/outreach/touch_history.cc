#include "outreach/touch_history.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "core/date.h"

namespace tagloop::outreach {

namespace {

constexpr char kMagic[8] = {'T', 'L', 'T', 'O', 'U', 'C', 'H', '1'};
constexpr const char* kSuffix = ".touches";
constexpr int64_t kHoursPerDay = 24;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

template <typename T>
void Put(std::string& out, T v) {
  char b[sizeof(T)];
  for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<char>(static_cast<uint64_t>(v) >> (8 * i));
  out.append(b, sizeof b);
}

// A bounds-checked little-endian reader over one file's bytes.
class Reader {
 public:
  Reader(std::string_view data) : data_(data) {}
  template <typename T>
  bool Get(T& v) {
    if (data_.size() - pos_ < sizeof(T)) return false;
    uint64_t x = 0;
    for (size_t i = 0; i < sizeof(T); ++i) x |= uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
    v = static_cast<T>(x);
    pos_ += sizeof(T);
    return true;
  }
  bool Bytes(size_t n, std::string_view& out) {
    if (data_.size() - pos_ < n) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Layers of users with at least j messages over the buckets folded in so far
// (a saturating counter: counts above `max` stay at `max`).
class CapCounter {
 public:
  explicit CapCounter(int max) : c_(static_cast<size_t>(max)) {}
  void Add(const std::vector<Bitmap>& layers) {
    const size_t max = c_.size();
    for (size_t j = max; j >= 1; --j) {
      // Users reaching >= j: j or more in this bucket, or >= j-k before and >= k here.
      if (j <= layers.size()) c_[j - 1].OrWith(layers[j - 1].get());
      for (size_t k = 1; k < j && k <= layers.size(); ++k) {
        if (c_[j - k - 1].empty()) continue;
        Bitmap both = Bitmap::And(c_[j - k - 1].get(), layers[k - 1].get());
        c_[j - 1].OrWith(both.get());
      }
    }
  }
  Bitmap Take() { return std::move(c_.back()); }

 private:
  std::vector<Bitmap> c_;
};

}  // namespace

int64_t TouchHistory::HourOf(int64_t unix_ms) { return FloorDiv(unix_ms, kHourMs); }

std::unique_ptr<TouchHistory> TouchHistory::InMemory() {
  return std::unique_ptr<TouchHistory>(new TouchHistory(nullptr, ""));
}

Result<std::unique_ptr<TouchHistory>> TouchHistory::Open(Env* env, const std::string& data_dir) {
  std::unique_ptr<TouchHistory> h(new TouchHistory(env, data_dir + "/outreach/touches"));
  if (!env->FileExists(h->dir_)) return h;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(h->dir_));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name.size() > strlen(kSuffix) && name.ends_with(kSuffix)) TAGLOOP_RETURN_IF_ERROR(h->LoadFile(name));
  }
  return h;
}

std::string TouchHistory::FileFor(int64_t day) const {
  return fmt::format("{}/{}{}", dir_, FormatDate(static_cast<Days>(day)), kSuffix);
}

Status TouchHistory::LoadFile(const std::string& name) {
  const std::string path = dir_ + "/" + name;
  const auto corrupt = [&](std::string_view what) {
    return Status::Corruption(fmt::format("touch history file '{}': {}", path, what));
  };
  Result<Days> day = ParseDate(std::string_view(name).substr(0, name.size() - strlen(kSuffix)));
  if (!day.ok()) return corrupt("the name is not YYYY-MM-DD.touches");
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(path));
  if (bytes.size() < sizeof kMagic + 4 + 8 || memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return corrupt("not a touch history file");
  }
  const size_t body = bytes.size() - 8;
  Reader trailer(std::string_view(bytes).substr(body));
  uint64_t checksum = 0;
  (void)trailer.Get(checksum);
  if (XXH3_64bits(bytes.data(), body) != checksum) return corrupt("checksum mismatch");
  Reader r(std::string_view(bytes).substr(sizeof kMagic, body - sizeof kMagic));
  uint32_t buckets = 0;
  if (!r.Get(buckets)) return corrupt("truncated");
  for (uint32_t b = 0; b < buckets; ++b) {
    int64_t hour = 0;
    uint16_t len = 0;
    uint32_t layers = 0;
    std::string_view channel;
    if (!r.Get(hour) || !r.Get(len) || !r.Bytes(len, channel) || !r.Get(layers)) return corrupt("truncated");
    if (FloorDiv(hour, kHoursPerDay) != *day) return corrupt(fmt::format("hour {} is not on this day", hour));
    Layers& stored = hours_[hour][std::string(channel)];
    if (!stored.empty()) return corrupt(fmt::format("bucket {} '{}' appears twice", hour, channel));
    for (uint32_t k = 0; k < layers; ++k) {
      uint32_t size = 0;
      std::string_view data;
      if (!r.Get(size) || !r.Bytes(size, data)) return corrupt("truncated");
      roaring_bitmap_t* bm = roaring_bitmap_portable_deserialize_safe(data.data(), data.size());
      if (!bm) return corrupt("bad bitmap");
      Bitmap layer(bm);
      if (roaring_bitmap_portable_size_in_bytes(bm) != size) return corrupt("bad bitmap size");
      stored.push_back(std::move(layer));
    }
  }
  if (!r.done()) return corrupt("trailing bytes");
  return Status::Ok();
}

std::string TouchHistory::EncodeDay(int64_t day) const {
  std::string out(kMagic, sizeof kMagic);
  uint32_t buckets = 0;
  Put<uint32_t>(out, 0);  // patched below
  for (auto it = hours_.lower_bound(day * kHoursPerDay); it != hours_.end() && it->first < (day + 1) * kHoursPerDay;
       ++it) {
    for (const auto& [channel, layers] : it->second) {
      ++buckets;
      Put<int64_t>(out, it->first);
      Put<uint16_t>(out, static_cast<uint16_t>(channel.size()));
      out.append(channel);
      Put<uint32_t>(out, static_cast<uint32_t>(layers.size()));
      for (const Bitmap& layer : layers) {
        const size_t size = roaring_bitmap_portable_size_in_bytes(layer.get());
        Put<uint32_t>(out, static_cast<uint32_t>(size));
        const size_t at = out.size();
        out.resize(at + size);
        roaring_bitmap_portable_serialize(layer.get(), out.data() + at);
      }
    }
  }
  for (size_t i = 0; i < 4; ++i) out[sizeof kMagic + i] = static_cast<char>(buckets >> (8 * i));
  Put<uint64_t>(out, XXH3_64bits(out.data(), out.size()));
  return out;
}

void TouchHistory::RecordLocked(std::string_view channel, int64_t hour, const Bitmap& users) {
  if (users.empty()) return;
  Hour& h = hours_[hour];
  auto it = h.find(channel);
  if (it == h.end()) it = h.emplace(std::string(channel), Layers()).first;
  Layers& layers = it->second;
  const size_t m = layers.size();
  if (m > 0) {
    Bitmap top = Bitmap::And(layers[m - 1].get(), users.get());
    if (!top.empty()) layers.push_back(std::move(top));
  }
  // Top down, so each layer grows from the old value of the one below it.
  for (size_t k = m > 0 ? m - 1 : 0; k >= 1; --k) {
    Bitmap grow = Bitmap::And(layers[k - 1].get(), users.get());
    layers[k].OrWith(grow.get());
  }
  if (m == 0) {
    layers.push_back(Bitmap::Copy(users.get()));
  } else {
    layers[0].OrWith(users.get());
  }
  dirty_days_.insert(FloorDiv(hour, kHoursPerDay));
}

void TouchHistory::Record(std::string_view channel, int64_t sent_ms, const Bitmap& users) {
  std::unique_lock lock(mu_);
  RecordLocked(channel, HourOf(sent_ms), users);
}

Bitmap TouchHistory::AtCap(const ChannelSet& channels, int max, int64_t window_hours, int64_t now_ms) const {
  if (max < 1) max = 1;
  const int64_t now_hour = HourOf(now_ms);
  std::shared_lock lock(mu_);
  CapCounter counter(max);
  for (auto it = hours_.lower_bound(now_hour - window_hours); it != hours_.end() && it->first <= now_hour; ++it) {
    for (const auto& [channel, layers] : it->second) {
      if (channels.Contains(channel)) counter.Add(layers);
    }
  }
  return counter.Take();
}

Bitmap TouchHistory::TouchedSince(const ChannelSet& channels, int64_t since_ms) const {
  std::shared_lock lock(mu_);
  std::vector<const roaring_bitmap_t*> all;
  for (auto it = hours_.lower_bound(HourOf(since_ms)); it != hours_.end(); ++it) {
    for (const auto& [channel, layers] : it->second) {
      if (channels.Contains(channel) && !layers.empty()) all.push_back(layers[0].get());
    }
  }
  return Bitmap::OrMany(all);
}

int TouchHistory::CountFor(uint32_t user, const ChannelSet& channels, int64_t window_hours, int64_t now_ms) const {
  const int64_t now_hour = HourOf(now_ms);
  std::shared_lock lock(mu_);
  int n = 0;
  for (auto it = hours_.lower_bound(now_hour - window_hours); it != hours_.end() && it->first <= now_hour; ++it) {
    for (const auto& [channel, layers] : it->second) {
      if (!channels.Contains(channel)) continue;
      for (const Bitmap& layer : layers) n += layer.Contains(user);
    }
  }
  return n;
}

Status TouchHistory::Flush() {
  std::unique_lock lock(mu_);
  if (!env_) {
    dirty_days_.clear();
    return Status::Ok();
  }
  if (dirty_days_.empty()) return Status::Ok();
  TAGLOOP_RETURN_IF_ERROR(env_->CreateDirs(dir_));
  while (!dirty_days_.empty()) {
    const int64_t day = *dirty_days_.begin();
    TAGLOOP_RETURN_IF_ERROR(env_->WriteFileAtomic(FileFor(day), EncodeDay(day)));
    dirty_days_.erase(dirty_days_.begin());
  }
  return Status::Ok();
}

Status TouchHistory::Prune(int64_t before_ms) {
  std::unique_lock lock(mu_);
  const int64_t first_day = FloorDiv(HourOf(before_ms), kHoursPerDay);  // days before it end before `before_ms`
  std::set<int64_t> days;
  for (auto it = hours_.begin(); it != hours_.end() && it->first < first_day * kHoursPerDay;) {
    days.insert(FloorDiv(it->first, kHoursPerDay));
    it = hours_.erase(it);
  }
  for (int64_t day : days) {
    dirty_days_.erase(day);
    if (env_ && env_->FileExists(FileFor(day))) TAGLOOP_RETURN_IF_ERROR(env_->RemoveFile(FileFor(day)));
  }
  return Status::Ok();
}

Status TouchHistory::RebuildFrom(const std::function<Status(TouchHistory&)>& replay) {
  std::unique_ptr<TouchHistory> fresh = InMemory();
  TAGLOOP_RETURN_IF_ERROR(replay(*fresh));
  std::unique_lock lock(mu_);
  hours_ = std::move(fresh->hours_);
  dirty_days_.clear();
  for (const auto& [hour, _] : hours_) dirty_days_.insert(FloorDiv(hour, kHoursPerDay));
  if (!env_) {
    dirty_days_.clear();
    return Status::Ok();
  }
  // Files of days the ledgers no longer hold go.
  if (env_->FileExists(dir_)) {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->ListDir(dir_));
    for (const std::string& name : names) {
      if (!name.ends_with(kSuffix)) continue;
      Result<Days> day = ParseDate(std::string_view(name).substr(0, name.size() - strlen(kSuffix)));
      if (day.ok() && !dirty_days_.contains(*day)) TAGLOOP_RETURN_IF_ERROR(env_->RemoveFile(dir_ + "/" + name));
    }
  }
  lock.unlock();
  return Flush();
}

}  // namespace tagloop::outreach
