// RuleState for count, sum, avg, min and max (rule_state.h): each user's
// matching events in the window, sorted by time, and a min-heap of when each
// user's oldest entry leaves the window.
#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "events/rule_state_impl.h"

namespace tagloop::events {

namespace {

using internal::kNoClock;

// A user's entries sorted by time (ties in the order applied): `stride`
// words each, the time first, then the amount when the rule has one. Up to
// two words live inline; more go to the heap.
class EntryList {
 public:
  EntryList() = default;
  ~EntryList() { Release(); }
  EntryList(EntryList&& o) noexcept { Take(o); }
  EntryList& operator=(EntryList&& o) noexcept {
    if (this != &o) {
      Release();
      Take(o);
    }
    return *this;
  }

  uint32_t words() const { return size_; }
  const int64_t* data() const { return capacity_ > kInline ? heap_ : inline_; }
  size_t heap_bytes() const { return capacity_ > kInline ? capacity_ * sizeof(int64_t) : 0; }

  // Inserts the entry after every entry with a time <= its time.
  void Insert(const int64_t* entry, uint32_t stride) {
    if (size_ + stride > capacity_) Grow(size_ + stride);
    int64_t* d = mutable_data();
    uint32_t pos = size_;
    while (pos > 0 && d[pos - stride] > entry[0]) pos -= stride;
    std::memmove(d + pos + stride, d + pos, (size_ - pos) * sizeof(int64_t));
    std::memcpy(d + pos, entry, stride * sizeof(int64_t));
    size_ += stride;
  }
  // Drops the first `n` words; back inline when they fit again.
  void EraseFront(uint32_t n) {
    int64_t* d = mutable_data();
    std::memmove(d, d + n, (size_ - n) * sizeof(int64_t));
    size_ -= n;
    if (capacity_ > kInline && size_ <= kInline) {
      int64_t* heap = heap_;
      std::memcpy(inline_, heap, size_ * sizeof(int64_t));
      delete[] heap;
      capacity_ = kInline;
    }
  }

 private:
  static constexpr uint32_t kInline = 2;
  int64_t* mutable_data() { return capacity_ > kInline ? heap_ : inline_; }
  void Grow(uint32_t need) {
    const uint32_t cap = std::max(need, capacity_ * 2);
    auto* heap = new int64_t[cap];
    std::memcpy(heap, data(), size_ * sizeof(int64_t));
    Release();
    heap_ = heap;
    capacity_ = cap;
  }
  void Release() {
    if (capacity_ > kInline) delete[] heap_;
    capacity_ = kInline;
  }
  void Take(EntryList& o) {
    size_ = o.size_;
    capacity_ = o.capacity_;
    if (capacity_ > kInline) {
      heap_ = o.heap_;
    } else {
      std::memcpy(inline_, o.inline_, sizeof(inline_));
    }
    o.size_ = 0;
    o.capacity_ = kInline;
  }

  uint32_t size_ = 0;
  uint32_t capacity_ = kInline;
  union {
    int64_t inline_[kInline];
    int64_t* heap_;
  };
};

class WindowState final : public RuleStateImpl {
 public:
  WindowState(EventRule rule, TagType type, int offset)
      : RuleStateImpl(std::move(rule), type, offset),
        stride_(rule_.kind == RuleKind::kCount ? 1 : 2),
        window_ms_(rule_.window_days > 0 ? int64_t{rule_.window_days} * internal::kMillisPerDay : 0) {}

  void Apply(uint32_t user, const Event& e, std::vector<TagValueChange>* changes) override {
    if (IndexOf(rule_.events, e.type) < 0 || !MatchesWhere(rule_.where, e)) return;
    int64_t entry[2] = {e.time_ms, 0};
    if (stride_ == 2) {
      const PropertyValue* v = e.Find(rule_.property);
      if (v == nullptr) return;
      std::optional<int64_t> amount = NumberOf(*v);
      if (!amount) return;
      entry[1] = *amount;
    }
    if (rule_.from) {
      const Days d = DateOf(e.time_ms);
      if (d < *rule_.from || d > *rule_.to) return;
    } else if (window_ms_ > 0 && now_ != kNoClock && e.time_ms <= now_ - window_ms_) {
      return;  // would leave the window at once
    }
    bool created;
    Slot& s = slots_.FindOrCreate(user, &created);
    const uint32_t before = s.entries.words();
    const bool new_oldest = before == 0 || e.time_ms < s.entries.data()[0];
    heap_bytes_ -= s.entries.heap_bytes();
    s.entries.Insert(entry, stride_);
    heap_bytes_ += s.entries.heap_bytes();
    if (window_ms_ > 0 && new_oldest) Schedule(e.time_ms + window_ms_, user);
    Update(user, s, before, changes);
  }

  void Expire(std::vector<TagValueChange>* changes) override {
    if (window_ms_ == 0) return;
    const int64_t cutoff = now_ - window_ms_;  // entries with time <= cutoff leave
    while (!expiry_.empty() && expiry_.front().at <= now_) {
      const uint32_t user = expiry_.front().user;
      std::pop_heap(expiry_.begin(), expiry_.end(), Later);
      expiry_.pop_back();
      Slot* s = slots_.Find(user);
      if (s == nullptr) continue;
      const int64_t* d = s->entries.data();
      const uint32_t before = s->entries.words();
      uint32_t n = 0;
      while (n < before && d[n] <= cutoff) n += stride_;
      if (n == 0) continue;  // a stale heap entry: the oldest entry is still in the window
      heap_bytes_ -= s->entries.heap_bytes();
      s->entries.EraseFront(n);
      heap_bytes_ += s->entries.heap_bytes();
      if (s->entries.words() > 0) Schedule(s->entries.data()[0] + window_ms_, user);
      Update(user, *s, before, changes);
    }
  }

  void ForEachRaw(const std::function<void(uint32_t, int64_t)>& fn) const override {
    slots_.ForEach([&](uint32_t user, const Slot& s) {
      if (HasValue(s.entries.words())) fn(user, s.value);
    });
  }
  std::optional<int64_t> RawOf(uint32_t user) const override {
    const Slot* s = slots_.Find(user);
    if (s == nullptr || !HasValue(s->entries.words())) return std::nullopt;
    return s->value;
  }
  size_t users() const override { return slots_.size(); }
  size_t memory_bytes() const override {
    return slots_.memory_bytes() + heap_bytes_ + expiry_.capacity() * sizeof(Expiry);
  }

 private:
  struct Slot {
    EntryList entries;
    int64_t value = 0;  // the raw value last reported (valid while HasValue)
  };
  struct Expiry {
    int64_t at;  // when the user's oldest entry leaves the window
    uint32_t user;
  };
  static bool Later(const Expiry& a, const Expiry& b) { return a.at > b.at; }

  void Schedule(int64_t at, uint32_t user) {
    expiry_.push_back(Expiry{at, user});
    std::push_heap(expiry_.begin(), expiry_.end(), Later);
  }

  bool HasValue(uint32_t words) const {
    const uint32_t n = words / stride_;
    return rule_.at_least > 0 ? n >= static_cast<uint64_t>(rule_.at_least) : n > 0;
  }

  int64_t Aggregate(const EntryList& entries) const {
    const uint32_t words = entries.words();
    if (rule_.kind == RuleKind::kCount) return rule_.at_least > 0 ? 1 : words;
    const int64_t* d = entries.data();
    if (rule_.kind == RuleKind::kMin || rule_.kind == RuleKind::kMax) {
      int64_t best = d[1];
      for (uint32_t i = 3; i < words; i += 2) {
        best = rule_.kind == RuleKind::kMin ? std::min(best, d[i]) : std::max(best, d[i]);
      }
      return best;
    }
    __int128 sum = 0;
    for (uint32_t i = 1; i < words; i += 2) sum += d[i];
    if (rule_.kind == RuleKind::kAvg) {
      const __int128 n = words / 2;
      __int128 q = sum / n;
      const __int128 r = sum % n;
      if (2 * (r < 0 ? -r : r) >= n) q += sum < 0 ? -1 : 1;  // half away from zero
      sum = q;
    }
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
    return sum > kMax ? kMax : (sum < kMin ? kMin : static_cast<int64_t>(sum));
  }

  // Reports the user's value if it changed since it had `words_before`
  // words; forgets users left without entries.
  void Update(uint32_t user, Slot& s, uint32_t words_before, std::vector<TagValueChange>* changes) {
    const bool had = HasValue(words_before);
    const bool has = HasValue(s.entries.words());
    if (has) {
      const int64_t value = Aggregate(s.entries);
      if (!had || value != s.value) {
        s.value = value;
        Emit(changes, user, true, value);
      }
    } else if (had) {
      Emit(changes, user, false, 0);
    }
    if (s.entries.words() == 0) slots_.Erase(user);
  }

  const uint32_t stride_;    // words per entry: 1 (count) or 2 (time, amount)
  const int64_t window_ms_;  // 0: no sliding window
  internal::SlotTable<Slot> slots_;
  std::vector<Expiry> expiry_;  // min-heap by `at`; may hold stale entries
  size_t heap_bytes_ = 0;       // entries outside the slots
};

}  // namespace

std::unique_ptr<RuleStateImpl> MakeWindowState(EventRule rule, TagType type, int utc_offset_minutes) {
  return std::make_unique<WindowState>(std::move(rule), type, utc_offset_minutes);
}

}  // namespace tagloop::events
